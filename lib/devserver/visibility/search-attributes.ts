import { temporal } from '@temporalio/proto';

/** `temporal.api.enums.v1.IndexedValueType`: the type of a search attribute. */
export type IndexedValueType = temporal.api.enums.v1.IndexedValueType;
export const IndexedValueType = temporal.api.enums.v1.IndexedValueType;

const T = IndexedValueType;

/** gRPC status codes a search-attribute error maps to. */
export type SearchAttributeErrorCode = 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'ALREADY_EXISTS';

const GRPC_CODES: Record<SearchAttributeErrorCode, number> = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
};

/**
 * A bad search attribute: unknown, reserved, duplicated or holding a value of the wrong type.
 * `grpcCode` is the status the real server answers with, so the RPC layer can pass it through.
 *
 * @example
 * ```ts
 * try { registry.remove(['Nope']); } catch (e) {
 *   if (e instanceof SearchAttributeError) console.log(e.attribute, e.grpcCode); // 'Nope', 5
 * }
 * ```
 */
export class SearchAttributeError extends Error {
  readonly attribute: string;
  readonly code: SearchAttributeErrorCode;
  readonly grpcCode: number;

  constructor(message: string, attribute: string, code: SearchAttributeErrorCode = 'INVALID_ARGUMENT') {
    super(message);
    this.attribute = attribute;
    this.code = code;
    this.grpcCode = GRPC_CODES[code];
  }

  override get name(): string {
    return 'SearchAttributeError';
  }
}

/**
 * System attributes: stored as columns of the visibility row (see `VisibilityRecord`), always
 * queryable, never settable by users.
 */
export const SYSTEM_SEARCH_ATTRIBUTES: Readonly<Record<string, IndexedValueType>> = Object.freeze({
  WorkflowId: T.INDEXED_VALUE_TYPE_KEYWORD,
  RunId: T.INDEXED_VALUE_TYPE_KEYWORD,
  WorkflowType: T.INDEXED_VALUE_TYPE_KEYWORD,
  StartTime: T.INDEXED_VALUE_TYPE_DATETIME,
  ExecutionTime: T.INDEXED_VALUE_TYPE_DATETIME,
  CloseTime: T.INDEXED_VALUE_TYPE_DATETIME,
  ExecutionStatus: T.INDEXED_VALUE_TYPE_KEYWORD,
  TaskQueue: T.INDEXED_VALUE_TYPE_KEYWORD,
  HistoryLength: T.INDEXED_VALUE_TYPE_INT,
  ExecutionDuration: T.INDEXED_VALUE_TYPE_INT,
  StateTransitionCount: T.INDEXED_VALUE_TYPE_INT,
  HistorySizeBytes: T.INDEXED_VALUE_TYPE_INT,
  ParentWorkflowId: T.INDEXED_VALUE_TYPE_KEYWORD,
  ParentRunId: T.INDEXED_VALUE_TYPE_KEYWORD,
  RootWorkflowId: T.INDEXED_VALUE_TYPE_KEYWORD,
  RootRunId: T.INDEXED_VALUE_TYPE_KEYWORD,
});

/**
 * Predefined attributes: reserved names that travel inside `SearchAttributes.indexed_fields` like
 * custom ones. The Rust core upserts `TemporalChangeVersion` for every `patched()` call, so the
 * server must accept it in `UpsertWorkflowSearchAttributes`.
 */
export const PREDEFINED_SEARCH_ATTRIBUTES: Readonly<Record<string, IndexedValueType>> = Object.freeze({
  TemporalChangeVersion: T.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  BinaryChecksums: T.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  BuildIds: T.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  BatcherNamespace: T.INDEXED_VALUE_TYPE_KEYWORD,
  BatcherUser: T.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalScheduledStartTime: T.INDEXED_VALUE_TYPE_DATETIME,
  TemporalScheduledById: T.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalSchedulePaused: T.INDEXED_VALUE_TYPE_BOOL,
  TemporalNamespaceDivision: T.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalPauseInfo: T.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  TemporalWorkerDeploymentVersion: T.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalWorkflowVersioningBehavior: T.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalWorkerDeployment: T.INDEXED_VALUE_TYPE_KEYWORD,
});

/** The custom attributes `temporal server start-dev` registers in every namespace. */
export const DEV_SERVER_DEFAULT_CUSTOM_ATTRIBUTES: Readonly<Record<string, IndexedValueType>> = Object.freeze({
  CustomKeywordField: T.INDEXED_VALUE_TYPE_KEYWORD,
  CustomStringField: T.INDEXED_VALUE_TYPE_TEXT,
  CustomTextField: T.INDEXED_VALUE_TYPE_TEXT,
  CustomIntField: T.INDEXED_VALUE_TYPE_INT,
  CustomDoubleField: T.INDEXED_VALUE_TYPE_DOUBLE,
  CustomBoolField: T.INDEXED_VALUE_TYPE_BOOL,
  CustomDatetimeField: T.INDEXED_VALUE_TYPE_DATETIME,
});

// Internal field names of the real visibility store; they can never become attribute names.
const RESERVED_FIELD_NAMES = new Set(['NamespaceId', 'Memo', 'MemoEncoding', 'VisibilityTaskKey']);
const RESERVED_PREFIX = 'Temporal';
const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const TYPE_NAMES: Record<number, string> = {
  [T.INDEXED_VALUE_TYPE_TEXT]: 'Text',
  [T.INDEXED_VALUE_TYPE_KEYWORD]: 'Keyword',
  [T.INDEXED_VALUE_TYPE_INT]: 'Int',
  [T.INDEXED_VALUE_TYPE_DOUBLE]: 'Double',
  [T.INDEXED_VALUE_TYPE_BOOL]: 'Bool',
  [T.INDEXED_VALUE_TYPE_DATETIME]: 'Datetime',
  [T.INDEXED_VALUE_TYPE_KEYWORD_LIST]: 'KeywordList',
};

/**
 * The name the SDKs put in a payload's `type` metadata (`Keyword`, `KeywordList`, …).
 *
 * @example
 * ```ts
 * indexedValueTypeName(IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST); // 'KeywordList'
 * ```
 */
export function indexedValueTypeName(type: IndexedValueType): string {
  return TYPE_NAMES[type] ?? 'Unspecified';
}

/**
 * Parses the `type` metadata of a search-attribute payload: PascalCase (`KeywordList`) as the SDKs
 * write it, or the enum name (`INDEXED_VALUE_TYPE_KEYWORD_LIST`). Unknown names give `undefined`.
 *
 * @example
 * ```ts
 * parseIndexedValueTypeName('Datetime'); // IndexedValueType.INDEXED_VALUE_TYPE_DATETIME
 * ```
 */
export function parseIndexedValueTypeName(name: string): IndexedValueType | undefined {
  for (const [value, pascal] of Object.entries(TYPE_NAMES)) {
    if (pascal === name) return Number(value) as IndexedValueType;
  }
  const enumValue = (IndexedValueType as unknown as Record<string, number | undefined>)[name];
  if (enumValue !== undefined && enumValue !== T.INDEXED_VALUE_TYPE_UNSPECIFIED) return enumValue as IndexedValueType;
  return undefined;
}

function isKnownType(type: unknown): type is IndexedValueType {
  return typeof type === 'number' && TYPE_NAMES[type] !== undefined;
}

/** Options for {@link SearchAttributeRegistry}. */
export interface SearchAttributeRegistryOptions {
  /** Namespace name, used in error messages. Default `default`. */
  namespace?: string;
  /**
   * Register the official dev server's `Custom*Field` attributes. Default true. To restore a saved
   * registry exactly (the user may have removed a default), pass false plus `customAttributes`.
   */
  devServerDefaults?: boolean;
  /** Further custom attributes (for instance reloaded from the store). */
  customAttributes?: Record<string, IndexedValueType>;
}

/**
 * The search attributes known in one namespace: system and predefined ones (fixed) and custom ones
 * (added and removed through OperatorService). Changes are all-or-nothing per call.
 *
 * @example
 * ```ts
 * const registry = new SearchAttributeRegistry({ namespace: 'default' });
 * registry.add({ OrderTier: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD });
 * registry.typeOf('OrderTier'); // INDEXED_VALUE_TYPE_KEYWORD
 * registry.remove(['OrderTier']);
 * ```
 */
export class SearchAttributeRegistry {
  readonly namespace: string;
  private readonly custom = new Map<string, IndexedValueType>();

  constructor(options: SearchAttributeRegistryOptions = {}) {
    this.namespace = options.namespace ?? 'default';
    if (options.devServerDefaults ?? true) {
      for (const [name, type] of Object.entries(DEV_SERVER_DEFAULT_CUSTOM_ATTRIBUTES)) this.custom.set(name, type);
    }
    if (options.customAttributes) this.add(options.customAttributes);
  }

  /** The type of a system, predefined or custom attribute; `undefined` when not registered. */
  typeOf(name: string): IndexedValueType | undefined {
    return SYSTEM_SEARCH_ATTRIBUTES[name] ?? PREDEFINED_SEARCH_ATTRIBUTES[name] ?? this.custom.get(name);
  }

  /** True for system attributes (row columns such as `WorkflowId`). */
  isSystem(name: string): boolean {
    return Object.hasOwn(SYSTEM_SEARCH_ATTRIBUTES, name);
  }

  /** True for predefined attributes (reserved names carried in `indexed_fields`, e.g. `BuildIds`). */
  isPredefined(name: string): boolean {
    return Object.hasOwn(PREDEFINED_SEARCH_ATTRIBUTES, name);
  }

  /** True for attributes registered through {@link add} or the dev-server defaults. */
  isCustom(name: string): boolean {
    return this.custom.has(name);
  }

  /**
   * Registers custom attributes (`AddSearchAttributes`). Re-adding a name that exists is a no-op
   * that keeps its type, as on the real dev server (SQL visibility); a reserved name or an unknown
   * type throws a {@link SearchAttributeError} naming the attribute, and nothing is registered.
   */
  add(attributes: Record<string, IndexedValueType>): void {
    const accepted: Array<[string, IndexedValueType]> = [];
    for (const [name, type] of Object.entries(attributes)) {
      if (!VALID_NAME.test(name)) {
        throw new SearchAttributeError(`Search attribute name ${JSON.stringify(name)} is not valid.`, name);
      }
      if (this.isReserved(name)) {
        throw new SearchAttributeError(`Search attribute ${name} is reserved by system.`, name);
      }
      if (!isKnownType(type)) {
        throw new SearchAttributeError(`Unknown search attribute type ${String(type)} for search attribute ${name}.`, name);
      }
      if (this.custom.has(name)) continue;
      accepted.push([name, type]);
    }
    for (const [name, type] of accepted) this.custom.set(name, type);
  }

  /**
   * Unregisters custom attributes (`RemoveSearchAttributes`). A system or predefined name gives
   * INVALID_ARGUMENT and nothing is removed; an unknown name is skipped, as on the real dev server.
   */
  remove(names: string[]): void {
    for (const name of names) {
      if (this.custom.has(name)) continue;
      if (this.typeOf(name) !== undefined) {
        throw new SearchAttributeError(`Unable to remove non-custom search attribute ${name}.`, name);
      }
    }
    for (const name of names) this.custom.delete(name);
  }

  /** Custom attributes by name (for `ListSearchAttributes.custom_attributes` and persistence). */
  listCustom(): Record<string, IndexedValueType> {
    return Object.fromEntries([...this.custom].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** System plus predefined attributes (for `ListSearchAttributes.system_attributes`). */
  listSystem(): Record<string, IndexedValueType> {
    return { ...SYSTEM_SEARCH_ATTRIBUTES, ...PREDEFINED_SEARCH_ATTRIBUTES };
  }

  private isReserved(name: string): boolean {
    return (
      this.isSystem(name) || this.isPredefined(name) || RESERVED_FIELD_NAMES.has(name) || name.startsWith(RESERVED_PREFIX)
    );
  }
}

type PayloadLike = temporal.api.common.v1.IPayload;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

function metadataString(payload: PayloadLike, key: string): string | undefined {
  const bytes = payload.metadata?.[key];
  if (bytes === undefined || bytes === null) return undefined;
  return utf8Decoder.decode(bytes);
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses an RFC 3339 timestamp (what Go's `time.RFC3339Nano` accepts) to fractional epoch
 * milliseconds, keeping sub-millisecond digits; `undefined` when the text is not a valid timestamp.
 *
 * @example
 * ```ts
 * parseRfc3339Ms('1970-01-01T00:00:01.0005Z'); // 1000.5
 * ```
 */
export function parseRfc3339Ms(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[];
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  const base = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  // Date.UTC silently rolls 31 Feb into March; a real timestamp never does that.
  if (new Date(base).getUTCDate() !== day) return undefined;
  let offsetMin = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetMin = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const fracMs = frac ? Number(frac) * 1000 : 0;
  return base - offsetMin * 60_000 + fracMs;
}

function invalidValue(name: string, type: IndexedValueType, value: unknown): SearchAttributeError {
  return new SearchAttributeError(
    `invalid value for search attribute ${name} of type ${indexedValueTypeName(type)}: ${JSON.stringify(value)}`,
    name,
  );
}

function checkScalar(name: string, type: IndexedValueType, value: unknown): unknown {
  switch (type) {
    case T.INDEXED_VALUE_TYPE_KEYWORD:
    case T.INDEXED_VALUE_TYPE_TEXT:
      if (typeof value === 'string') return value;
      break;
    case T.INDEXED_VALUE_TYPE_INT:
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      break;
    case T.INDEXED_VALUE_TYPE_DOUBLE:
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      break;
    case T.INDEXED_VALUE_TYPE_BOOL:
      if (typeof value === 'boolean') return value;
      break;
    case T.INDEXED_VALUE_TYPE_DATETIME:
      if (typeof value === 'string' && parseRfc3339Ms(value) !== undefined) return value;
      break;
    default:
      break;
  }
  throw invalidValue(name, type, value);
}

/**
 * Checks one decoded JSON value against the attribute's type, as the real server does:
 * `null` or `[]` means "unset" and gives `null`; scalar types accept a one-element list (the
 * untyped SDK API always sends lists); KeywordList needs a list of strings.
 */
function normaliseValue(name: string, type: IndexedValueType, value: unknown): unknown {
  if (value === null || (Array.isArray(value) && value.length === 0)) return null;
  if (type === T.INDEXED_VALUE_TYPE_KEYWORD_LIST) {
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [...value];
    throw invalidValue(name, type, value);
  }
  if (Array.isArray(value)) {
    if (value.length !== 1) throw invalidValue(name, type, value);
    return checkScalar(name, type, value[0]);
  }
  return checkScalar(name, type, value);
}

function decodePayloadJson(name: string, payload: PayloadLike): unknown {
  let encoding: string | undefined;
  try {
    encoding = metadataString(payload, 'encoding');
  } catch {
    throw new SearchAttributeError(`search attribute ${name} has a payload encoding that is not UTF-8`, name);
  }
  if (encoding === 'binary/null') return null;
  if (encoding !== 'json/plain') {
    throw new SearchAttributeError(
      `search attribute ${name} must be encoded as json/plain, got ${encoding === undefined ? 'no encoding' : encoding}`,
      name,
    );
  }
  try {
    return JSON.parse(utf8Decoder.decode(payload.data ?? new Uint8Array()));
  } catch {
    throw new SearchAttributeError(`search attribute ${name} does not hold valid JSON`, name);
  }
}

/**
 * Decodes and validates `SearchAttributes.indexed_fields` from a start, upsert, child start or
 * continue-as-new request. The registered type wins over the payload's `type` metadata (as on the
 * real server). Values come back as plain JSON-safe values: strings (Keyword, Text, and Datetime as
 * its RFC 3339 text), numbers (Int, Double), booleans, string arrays (KeywordList). A `null` value
 * means "unset": an upsert removes the attribute (see {@link mergeSearchAttributes}).
 *
 * Throws a {@link SearchAttributeError} naming the attribute when it is not registered (the real
 * server answers INVALID_ARGUMENT "search attribute X is not defined"), is a system attribute, or
 * holds a value of the wrong type.
 *
 * @example
 * ```ts
 * const values = decodeSearchAttributes(request.searchAttributes?.indexedFields ?? {}, registry);
 * // { CustomKeywordField: 'gold', TemporalChangeVersion: ['my-patch'] }
 * ```
 */
export function decodeSearchAttributes(
  indexedFields: Record<string, PayloadLike>,
  registry: SearchAttributeRegistry,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  // protobufjs leaves an absent map as null/undefined.
  for (const [name, payload] of Object.entries(indexedFields ?? {})) {
    if (registry.isSystem(name)) {
      throw new SearchAttributeError(`search attribute ${name} is a system attribute and cannot be set`, name);
    }
    const type = registry.typeOf(name);
    if (type === undefined) {
      throw new SearchAttributeError(`search attribute ${name} is not defined`, name);
    }
    result[name] = normaliseValue(name, type, decodePayloadJson(name, payload));
  }
  return result;
}

function toEncodableValue(name: string, type: IndexedValueType, value: unknown): unknown {
  if (type === T.INDEXED_VALUE_TYPE_DATETIME) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  }
  return normaliseValue(name, type, value);
}

/**
 * Encodes plain values back to `indexed_fields` payloads (json/plain with the `type` metadata the
 * SDKs read), for Describe and List responses. `null`/`undefined` values are left out. Datetime
 * values may be RFC 3339 strings, `Date`s or epoch milliseconds.
 *
 * @example
 * ```ts
 * const indexedFields = encodeSearchAttributes(record.searchAttributes, registry);
 * ```
 */
export function encodeSearchAttributes(
  values: Record<string, unknown>,
  registry: SearchAttributeRegistry,
): Record<string, temporal.api.common.v1.IPayload> {
  const result: Record<string, temporal.api.common.v1.IPayload> = {};
  for (const [name, raw] of Object.entries(values)) {
    if (raw === null || raw === undefined) continue;
    const type = registry.typeOf(name);
    if (type === undefined) throw new SearchAttributeError(`search attribute ${name} is not defined`, name);
    const value = toEncodableValue(name, type, raw);
    if (value === null) continue;
    result[name] = {
      metadata: {
        encoding: utf8Encoder.encode('json/plain'),
        type: utf8Encoder.encode(indexedValueTypeName(type)),
      },
      data: utf8Encoder.encode(JSON.stringify(value)),
    };
  }
  return result;
}

/**
 * Applies decoded upsert values to the current ones: `null` removes an attribute, anything else
 * replaces it. Returns a new object.
 *
 * @example
 * ```ts
 * mergeSearchAttributes({ A: 'x', B: 1 }, { A: null, C: true }); // { B: 1, C: true }
 * ```
 */
export function mergeSearchAttributes(
  current: Record<string, unknown>,
  update: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [name, value] of Object.entries(update)) {
    if (value === null || value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}
