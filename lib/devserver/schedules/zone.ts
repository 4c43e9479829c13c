/**
 * Time-zone arithmetic for schedule specs on Intl.DateTimeFormat alone (no tz database dependency:
 * Node ships full ICU, which has the same IANA data Go's time.LoadLocation reads).
 *
 * A "wall" value is the local date and time in a zone written as if it were UTC milliseconds, so
 * calendar fields can be read with getUTC*().
 */

export class UnknownTimeZoneError extends Error {}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      // Go's wording, which the real server passes through in its INVALID_ARGUMENT.
      throw new UnknownTimeZoneError(`unknown time zone ${zone}`);
    }
    formatters.set(zone, f);
  }
  return f;
}

/** The zone name the server would use: '' and 'UTC' are UTC; 'Local' is the server's zone, UTC here. */
function effective(zone: string): string | undefined {
  return zone === '' || zone === 'UTC' || zone === 'Local' ? undefined : zone;
}

/** Throws UnknownTimeZoneError when the zone is not an IANA zone name. */
export function checkZone(zone: string): void {
  const z = effective(zone);
  if (z !== undefined) formatterFor(z);
}

/** Local wall time of an instant in a zone. */
export function toWall(instantMs: number, zone: string): number {
  const z = effective(zone);
  if (z === undefined) return instantMs;
  const parts = formatterFor(z).formatToParts(new Date(instantMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall + (((instantMs % 1000) + 1000) % 1000);
}

const DAY = 86_400_000;

/**
 * The instants that show a wall time in a zone, earliest first: none inside a spring-forward gap,
 * two inside a fall-back overlap. Assumes at most one offset change within a day either side,
 * which holds for every IANA zone since 1970.
 */
export function fromWall(wallMs: number, zone: string): number[] {
  const z = effective(zone);
  if (z === undefined) return [wallMs];
  const offsets = new Set([toWall(wallMs - DAY, z) - (wallMs - DAY), toWall(wallMs + DAY, z) - (wallMs + DAY)]);
  const out: number[] = [];
  for (const offset of offsets) {
    const candidate = wallMs - offset;
    if (toWall(candidate, z) === wallMs) out.push(candidate);
  }
  return out.sort((a, b) => a - b);
}
