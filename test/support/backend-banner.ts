/**
 * One line naming the core backend a suite runs on and, on `native`, the C bridge library it
 * loaded: the test log must show that the e2e and contract suites ran on the real core.
 */
import { selectBackend } from '../../lib/core';
import { findCoreLibrary } from '../../lib/core/native';

/** e.g. `backend: native (/repo/prebuilds/core/linux-x64/libtemporalio_sdk_core_c_bridge.so)`. */
export async function backendBanner(coreLibraryPath?: string): Promise<string> {
  const backend = await selectBackend(coreLibraryPath === undefined ? {} : { coreLibraryPath });
  if (backend !== 'native') return `backend: ${backend} (the official prebuilt core in @temporalio/core-bridge)`;
  return `backend: native (${findCoreLibrary(coreLibraryPath) ?? 'library not found'})`;
}
