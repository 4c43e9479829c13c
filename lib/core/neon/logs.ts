/**
 * Forwards core log lines from the Neon addon (a batch of JSON strings per call, on the JS thread)
 * to the runtime's `logger` as `CoreLogRecord`s.
 */
import type { CoreLogLevel, CoreLogRecord } from '../types';

const LEVELS: readonly CoreLogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/**
 * Builds the receiver the Neon runtime calls with each batch of log entries.
 *
 * A logger that throws must not unwind into the addon (which would abort the batch or worse), and
 * must not vanish silently either: its first failure becomes a process warning (one per runtime,
 * so a broken logger does not turn every core log line into a warning).
 */
export function logReceiver(logger: (record: CoreLogRecord) => void): (entries: string[]) => void {
  let warned = false;
  return (entries) => {
    for (const entry of entries) {
      const record = parseLogEntry(entry);
      if (record === undefined) continue;
      try {
        logger(record);
      } catch (err) {
        if (warned) continue;
        warned = true;
        process.emitWarning(
          `core log forwarding: the logger threw: ${err instanceof Error ? err.message : String(err)} ` +
            '(further failures of this logger are not reported)',
        );
      }
    }
  };
}

/** Parses one Neon log entry; `undefined` for an entry that is not the documented JSON shape. */
export function parseLogEntry(json: string): CoreLogRecord | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const e = raw as Record<string, unknown>;
  const level = typeof e.level === 'string' && (LEVELS as readonly string[]).includes(e.level) ? (e.level as CoreLogLevel) : 'INFO';
  // The addon stamps nanoseconds since the epoch as a decimal string (u128 does not fit JSON).
  const nanos = typeof e.timestamp === 'string' && /^\d+$/.test(e.timestamp) ? BigInt(e.timestamp) : undefined;
  return {
    level,
    target: typeof e.target === 'string' ? e.target : '',
    message: typeof e.message === 'string' ? e.message : '',
    timestampMs: nanos === undefined ? Date.now() : Number(nanos / 1_000_000n),
    fields: typeof e.fields === 'object' && e.fields !== null ? (e.fields as Record<string, unknown>) : {},
  };
}
