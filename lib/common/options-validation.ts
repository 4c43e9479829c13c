/**
 * One way to check an options object of the public API (connection, client, workflow start,
 * schedule, worker, replay, bundler, activity pool, runtime): every problem is an
 * {@link InvalidOptionError} whose `field` is the option's path, and every key is accounted for.
 *
 * - A key the options type declares and we honour passes.
 * - A key of the official SDK we do not support is refused with {@link UnsupportedOptionError},
 *   whose message says what to use instead.
 * - Any other key (a typo, an option of another SDK version) is refused with
 *   {@link UnknownOptionError}, which suggests the nearest known key.
 *
 * A key whose value is `undefined` counts as absent: spreading `{ ...defaults, x: undefined }` is a
 * common way to leave an option out, and refusing it would break working code for nothing.
 */

/**
 * An option was missing, malformed, unknown or unsupported. Raised before any side effect;
 * `field` is the option's path (`'retry.maximumAttempts'`, `'proxy.targetHost'`).
 *
 * @example
 * ```ts
 * try {
 *   await client.workflow.start('greet', { workflowId: 'w' } as never);
 * } catch (err) {
 *   if (err instanceof InvalidOptionError) console.log(err.field); // 'taskQueue'
 * }
 * ```
 */
export class InvalidOptionError extends TypeError {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}`);
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/**
 * An options object holds a key that is not an option there, most often a typo. The message lists
 * the nearest known key when there is one.
 *
 * @example
 * ```ts
 * await Connection.connect({ adress: 'localhost:7233' } as never);
 * // UnknownOptionError: adress is not a connection option (did you mean 'address'?)
 * ```
 */
export class UnknownOptionError extends InvalidOptionError {
  constructor(
    field: string,
    /** What the options object is, e.g. `'connection option'`. */
    readonly kind: string,
    /** The nearest known key, when one is close enough to be a likely typo. */
    readonly suggestion: string | undefined,
  ) {
    super(field, `is not a ${kind}${suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`}`);
  }
}

/**
 * An option the official SDK has, but this SDK does not support. The message says what to use
 * instead, so the option is never silently dropped.
 *
 * @example
 * ```ts
 * await Worker.create({ connection, taskQueue: 'q', workflowsPath, webpackConfigHook: (c) => c } as never);
 * // UnsupportedOptionError: webpackConfigHook is not supported: use bundlerOptions.esbuildConfigHook instead
 * ```
 */
export class UnsupportedOptionError extends InvalidOptionError {
  constructor(
    field: string,
    /** What to do instead, as a sentence fragment (`'use bundlerOptions.ignoreModules'`). */
    readonly instead: string,
  ) {
    super(field, `is not supported: ${instead}`);
  }
}

/**
 * The keys an options object may hold.
 *
 * @example
 * ```ts
 * const START_KEYS: OptionKeys = {
 *   kind: 'workflow start option',
 *   supported: ['taskQueue', 'workflowId', 'args'],
 *   unsupported: { versioningOverride: 'pin the version on the worker deployment instead' },
 * };
 * ```
 */
export interface OptionKeys {
  /** Names the object in messages, e.g. `'connection option'`, `'Worker option'`. */
  readonly kind: string;
  /** Keys that are accepted. */
  readonly supported: readonly string[];
  /** Keys of the official API that are refused, each with what to use instead. */
  readonly unsupported?: Readonly<Record<string, string>>;
}

/** `path.key`, or `key` at the top level. */
export function optionPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Checks that `value` is a plain object (not null, not an array) and returns it as a record.
 *
 * @example
 * ```ts
 * const o = optionsObject(options, 'options');
 * ```
 */
export function optionsObject(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError(field, `must be an object, got ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}

/**
 * Refuses every key of `value` that `keys` does not accept: unsupported ones with what to use
 * instead, unknown ones with the nearest known key. `path` prefixes the field names (`''` at the top).
 *
 * @example
 * ```ts
 * checkOptionKeys({ taskQueu: 'q' }, { kind: 'workflow start option', supported: ['taskQueue'] });
 * // UnknownOptionError: taskQueu is not a workflow start option (did you mean 'taskQueue'?)
 * ```
 */
export function checkOptionKeys(value: Record<string, unknown>, keys: OptionKeys, path = ''): void {
  for (const key of Object.keys(value)) {
    if (value[key] === undefined || keys.supported.includes(key)) continue;
    const instead = keys.unsupported !== undefined && Object.hasOwn(keys.unsupported, key) ? keys.unsupported[key] : undefined;
    if (instead !== undefined) throw new UnsupportedOptionError(optionPath(path, key), instead);
    throw new UnknownOptionError(optionPath(path, key), keys.kind, nearestKey(key, keys.supported));
  }
}

/**
 * `optionsObject` and `checkOptionKeys` in one call.
 *
 * @example
 * ```ts
 * const o = checkedOptions(options, 'proxy', { kind: 'proxy option', supported: ['type', 'targetHost', 'basicAuth'] });
 * ```
 */
export function checkedOptions(value: unknown, field: string, keys: OptionKeys): Record<string, unknown> {
  const o = optionsObject(value, field);
  checkOptionKeys(o, keys, field);
  return o;
}

/**
 * The options argument of a call: an object whose keys are named without a prefix
 * (`taskQueu is not a ...`, not `options.taskQueu ...`).
 *
 * @example
 * ```ts
 * const o = topLevelOptions(options, { kind: 'list option', supported: ['query', 'pageSize'] });
 * ```
 */
export function topLevelOptions(value: unknown, keys: OptionKeys): Record<string, unknown> {
  const o = optionsObject(value, 'options');
  checkOptionKeys(o, keys);
  return o;
}

/**
 * A known key close enough to `key` to be what the caller meant: same letters ignoring case, or at
 * most a third of the letters edited (at least one, at most three).
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  return bestDistance <= allowed ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** A short description of a value for messages: `'abc'`, `number 3`, `null`, `an array`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

// ---------------------------------------------------------------------------------------------
// Values. Each `optional*` returns `undefined` for an absent value; each `required*` refuses it.

/** A non-empty string. */
export function requiredString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidOptionError(field, `must be a non-empty string, got ${describeValue(value)}`);
  }
  return value;
}

/** An absent value or a non-empty string. */
export function optionalString(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : requiredString(value, field);
}

/** An absent value or a boolean. */
export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new InvalidOptionError(field, `must be a boolean, got ${describeValue(value)}`);
  return value;
}

/** An absent value or a safe integer in `[min, max]`. */
export function optionalInteger(value: unknown, field: string, range: { min?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const { min = -Infinity, max = Infinity } = range;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(field, `must be an integer${rangeText(min, max)}, got ${describeValue(value)}`);
  }
  return value;
}

/** An absent value or a finite number in `[min, max]`. */
export function optionalNumber(value: unknown, field: string, range: { min?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const { min = -Infinity, max = Infinity } = range;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidOptionError(field, `must be a finite number${rangeText(min, max)}, got ${describeValue(value)}`);
  }
  return value;
}

/** An absent value or a function. */
export function optionalFunction<F extends (...args: never[]) => unknown>(value: unknown, field: string): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new InvalidOptionError(field, `must be a function, got ${describeValue(value)}`);
  return value as F;
}

/** An absent value or one of `allowed`. */
export function optionalOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidOptionError(field, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}`);
  }
  return value as T;
}

/** An absent value or an array. */
export function optionalArray(value: unknown, field: string): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new InvalidOptionError(field, `must be an array, got ${describeValue(value)}`);
  return value;
}

function rangeText(min: number, max: number): string {
  if (min === -Infinity && max === Infinity) return '';
  if (max === Infinity) return ` >= ${min}`;
  if (min === -Infinity) return ` <= ${max}`;
  return ` between ${min} and ${max}`;
}
