/**
 * Copies a run's record so a transaction can restore it if it throws. This runs on every transaction,
 * and a run's record holds all its pending activities, timers, children and updates, so the copy has
 * to be cheap: a JSON round trip (or a generic deep copy) of a run with 50 pending activities was most
 * of the server's CPU under activity fan-out. Here each object is copied with one spread (V8's fast
 * clone path) and only the members known to hold objects are descended into.
 *
 * The copy must share no mutable object with the original. The `Copiers`/`Flat` types make that a
 * compile-time check: adding an object-valued member to a record type without copying it here does
 * not compile.
 */
import type { ActivityRecord, ExecutionRecord, RetryPolicyRecord } from './records';

/** Keys of `T` whose values are (or may be) objects or arrays. */
type ObjectKeys<T> = { [K in keyof T]-?: NonNullable<T[K]> extends object ? K : never }[keyof T];

/** `T` when it holds only primitives (so one spread copies it fully), otherwise `never`. */
type Flat<T> = [ObjectKeys<T>] extends [never] ? T : never;

/** One copy function for every object-valued member of `T`. */
type Copiers<T> = { [K in ObjectKeys<T>]-?: (value: T[K]) => T[K] };

function copyFlat<T extends object>(value: Flat<T>): T {
  return { ...value } as T;
}

function copyEach<T extends object>(map: Record<string, Flat<T>>): Record<string, T> {
  const copy: Record<string, T> = {};
  for (const key in map) copy[key] = copyFlat<T>(map[key]);
  return copy;
}

/** Spreads `value`, then replaces each object-valued member by its copy. */
function copyWith<T extends object>(value: T, copiers: Copiers<T>): T {
  const copy = { ...value };
  for (const name in copiers) {
    const key = name as ObjectKeys<T>;
    const member = copy[key];
    if (member !== undefined && member !== null) copy[key] = copiers[key](member);
  }
  return copy;
}

const retryPolicyCopiers: Copiers<RetryPolicyRecord> = {
  nonRetryableErrorTypes: (types) => types.slice(),
};

const activityCopiers: Copiers<ActivityRecord> = {
  retryPolicy: (policy) => copyWith(policy, retryPolicyCopiers),
};

function copyActivities(map: Record<string, ActivityRecord>): Record<string, ActivityRecord> {
  const copy: Record<string, ActivityRecord> = {};
  for (const key in map) copy[key] = copyWith(map[key], activityCopiers);
  return copy;
}

const executionCopiers: Copiers<ExecutionRecord> = {
  wft: (wft) => (wft === null ? null : copyFlat(wft)),
  buffered: (buffered) => buffered.map((b) => copyFlat(b)),
  activities: copyActivities,
  timers: (timers) => copyEach(timers),
  children: (children) => copyEach(children),
  updates: (updates) => copyEach(updates),
  parent: (parent) => (parent === undefined ? undefined : copyFlat(parent)),
  root: (root) => (root === undefined ? undefined : copyFlat(root)),
  signalRequestIds: (ids) => ids.slice(),
};

/**
 * Returns a copy of `rec` that shares no object or array with it (members set to `undefined` stay so,
 * unlike after a JSON round trip, so a restored record is exactly the one copied).
 *
 * @example
 * ```ts
 * const before = copyExecutionRecord(exec.rec);
 * exec.rec.activities['5'].state = 'started';
 * before.activities['5'].state; // still 'queued'
 * ```
 */
export function copyExecutionRecord(rec: ExecutionRecord): ExecutionRecord {
  return copyWith(rec, executionCopiers);
}
