/**
 * Where the core's log lines go when nobody asked for them: warnings and errors (the default
 * filter) are written to stderr, one line each, so a misbehaving connection or worker is never
 * silent.
 */
import type { CoreLogRecord } from './types';

/**
 * The runtime's logger when `RuntimeOptions.logger` is absent.
 *
 * @example
 * ```ts
 * consoleCoreLogger({ level: 'WARN', target: 'temporal_client', message: 'retrying', timestampMs: Date.now(), fields: {} });
 * // stderr: 2026-12-04T10:00:00.000Z [temporal core] WARN temporal_client: retrying
 * ```
 */
export function consoleCoreLogger(record: CoreLogRecord): void {
  const fields = Object.keys(record.fields).length === 0 ? '' : ` ${JSON.stringify(record.fields)}`;
  process.stderr.write(
    `${new Date(record.timestampMs).toISOString()} [temporal core] ${record.level} ${record.target}: ${record.message}${fields}\n`,
  );
}
