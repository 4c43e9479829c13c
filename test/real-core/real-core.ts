/**
 * The real C bridge library for the tests that only it can prove (what differs from the fake
 * core). Not a skip when it is missing: `npm install` builds it wherever cargo exists, and a
 * run without it would prove nothing about the product.
 */
import { findCoreLibrary } from '../../lib/core/native';

/** The library `auto` picks: `TEMPORAL_CORE_LIBRARY` or the package's prebuilt folder. */
export function realCoreLibrary(): string {
  const library = findCoreLibrary();
  if (library === undefined || /build\/Release/.test(library)) {
    throw new Error('The real core library (libtemporalio_sdk_core_c_bridge) is missing: run `npm run build-core`');
  }
  console.log(`real-core suite: backend native (${library})`);
  return library;
}
