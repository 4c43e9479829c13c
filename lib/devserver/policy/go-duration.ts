const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  '\u00b5s': 1e3, // micro sign
  '\u03bcs': 1e3, // Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const TERM = /(\d*)(?:\.(\d*))?([a-z\u00b5\u03bc]+)/y;

/**
 * Parses a Go `time.Duration` string (`1h30m`, `1.5s`, `300ms`, `-2m`), the format Temporal uses
 * for `@every` cron schedules and ExecutionDuration filters. Returns nanoseconds, or `undefined`
 * when the text is not a Go duration.
 *
 * @example
 * ```ts
 * parseGoDurationNanos('1m30s'); // 90e9
 * ```
 */
export function parseGoDurationNanos(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < rest.length) {
    const start = TERM.lastIndex;
    const m = TERM.exec(rest);
    if (!m || m.index !== start) return undefined;
    const [, whole = '', frac, unit = ''] = m;
    if (whole === '' && (frac === undefined || frac === '')) return undefined;
    const perUnit = UNIT_NANOS[unit];
    if (perUnit === undefined) return undefined;
    const value = Number(`${whole === '' ? '0' : whole}.${frac ?? ''}0`);
    total += value * perUnit;
  }
  return sign * Math.round(total);
}
