/**
 * The `native` backend: the core layer over our C++ addon, which loads the Temporal core's C
 * bridge library (`libtemporalio_sdk_core_c_bridge`) at run time.
 *
 * @example
 * ```ts
 * import { createNativeRuntime, findCoreLibrary } from './native';
 *
 * if (findCoreLibrary() !== undefined) {
 *   const runtime = await createNativeRuntime({ logger: (line) => console.log(line.message) });
 *   const connection = await runtime.connect({
 *     address: 'localhost:7233', identity: 'me@host', clientName: 'temporal-native', clientVersion: '0.1.0',
 *   });
 * }
 * ```
 */
import { coreLibrarySearchDescription } from '../core-library';
import { CoreError } from '../errors';
import type { BackendRuntime, ValidatedRuntimeOptions } from '../options';
import type { CoreLogRecord } from '../types';
import { loadAddon, type NativeLogRecord } from './addon';
import { toCoreError } from './errors';
import { findCoreLibrary } from './library-path';
import { NativeCoreRuntime } from './runtime';

export { findCoreLibrary };

/**
 * Creates a core runtime on the native backend.
 *
 * @throws CoreError naming the library path (or the missing symbol) when the C bridge library
 *   cannot be loaded, or naming the places searched when none was found.
 */
export async function createNativeRuntime(options: ValidatedRuntimeOptions): Promise<BackendRuntime> {
  const libraryPath = findCoreLibrary(options.coreLibraryPath);
  if (libraryPath === undefined) {
    throw new CoreError(
      `The Temporal core library (libtemporalio_sdk_core_c_bridge) was not found; looked at: ` +
        coreLibrarySearchDescription(options.coreLibraryPath),
    );
  }
  if (options.metrics?.otel?.http === true) {
    // The C bridge builds its OTLP exporter without reading `protocol`: it would speak gRPC to an
    // HTTP endpoint and every export would fail. Refused rather than silently broken.
    throw new TypeError(
      'metrics.otel.http is not supported by the native backend: the core\'s C bridge always exports OTLP over gRPC; ' +
        'give a gRPC endpoint (e.g. http://127.0.0.1:4317) or use the neon backend',
    );
  }
  const addon = loadAddon();
  const logger = options.logger;
  try {
    const runtime = addon.createRuntime(libraryPath, {
      logFilter: options.logFilter,
      workerHeartbeatIntervalMs: options.workerHeartbeatIntervalMs,
      logger: (record: NativeLogRecord) => logger(toLogRecord(record)),
      loggerIsDefault: options.loggerIsDefault,
      metrics: options.metrics,
    });
    return new NativeCoreRuntime(runtime, libraryPath);
  } catch (err) {
    throw toCoreError(err);
  }
}

function toLogRecord(record: NativeLogRecord): CoreLogRecord {
  return {
    level: record.level,
    target: record.target,
    message: record.message,
    timestampMs: record.timestampMs,
    fields: parseFields(record.fieldsJson),
  };
}

// The core sends its structured fields as a JSON object; anything else is kept verbatim.
function parseFields(json: string): Record<string, unknown> {
  if (json === '') return {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return { value: parsed };
  } catch {
    return { unparsedFields: json };
  }
}
