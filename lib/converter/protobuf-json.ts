/**
 * The canonical proto3 JSON mapping (what `json/protobuf` payloads carry), over protobufjs
 * reflection objects.
 *
 * Why our own: the mapping that ships with protobufjs 8 (`protobufjs/ext/protojson`) checks
 * `instanceof Type` against its own copy of protobufjs, so it rejects messages built by any other
 * copy — and an app typically has several (ours, `@temporalio/proto`'s, the user's). This module
 * reads the reflection objects structurally, so it works with messages from any protobufjs 7 or 8
 * root. Output matches the official SDK's byte for byte (field order = declaration order, JSON
 * names, int64 as strings, enums by name, base64 bytes, implicit defaults omitted, well-known types
 * in their special forms).
 */
import { ValueError } from '../common/errors';

/** A protobufjs enum, read structurally. */
export interface ReflectedEnum {
  readonly fullName: string;
  readonly values: Readonly<Record<string, number>>;
  readonly valuesById: Readonly<Record<number, string>>;
}

/** A protobufjs message field, read structurally. */
export interface ReflectedField {
  readonly name: string;
  readonly jsonName?: string;
  readonly type: string;
  readonly repeated: boolean;
  readonly map: boolean;
  readonly keyType?: string;
  readonly resolvedType: ReflectedType | ReflectedEnum | null;
  readonly hasPresence?: boolean;
  readonly partOf?: unknown;
  readonly options?: Readonly<Record<string, unknown>>;
  resolve(): ReflectedField;
}

/** A protobufjs message type, read structurally. */
export interface ReflectedType {
  readonly name: string;
  readonly fullName: string;
  readonly fieldsArray: readonly ReflectedField[];
  readonly root: { lookupType(path: string): ReflectedType };
  encode(message: object): { finish(): Uint8Array };
  decode(bytes: Uint8Array): object;
  fromObject(object: Record<string, unknown>): object;
}

/** A protobufjs message instance: carries its type as `$type`. */
export interface ProtobufMessage {
  readonly $type: ReflectedType;
}

const MAX_DEPTH = 100;
const INT64_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const WRAPPERS = new Set(
  ['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue'].map(
    (n) => `.google.protobuf.${n}`,
  ),
);
const DURATION_MAX_SECONDS = 315_576_000_000;
const TIMESTAMP_MIN_SECONDS = -62_135_596_800;
const TIMESTAMP_MAX_SECONDS = 253_402_300_799;

export function isReflectedType(value: unknown): value is ReflectedType {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  // constructor.name can be mangled by minifiers; protobufjs sets `className` for exactly this reason.
  return (
    (t.constructor as { className?: unknown } | undefined)?.className === 'Type' &&
    typeof t.fullName === 'string' &&
    Array.isArray(t.fieldsArray) &&
    typeof t.encode === 'function' &&
    typeof t.decode === 'function' &&
    typeof t.fromObject === 'function'
  );
}

/** True for protobufjs message instances from any copy of protobufjs. */
export function isProtobufMessage(value: unknown): value is ProtobufMessage {
  return typeof value === 'object' && value !== null && isReflectedType((value as { $type?: unknown }).$type);
}

/** The type name as it goes on the wire (`temporal.api.common.v1.WorkflowExecution`, no leading dot). */
export function wireTypeName(type: ReflectedType): string {
  return type.fullName.startsWith('.') ? type.fullName.slice(1) : type.fullName;
}

/**
 * Message → proto3 JSON value (not yet stringified).
 *
 * @example
 * ```ts
 * JSON.stringify(messageToProtoJson(execution.$type, execution)); // {"workflowId":"wf","runId":"r"}
 * ```
 */
export function messageToProtoJson(type: ReflectedType, message: object, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new ValueError(`${type.fullName}: message nesting deeper than ${MAX_DEPTH}`);
  const special = wellKnownToJson(type, message as Record<string, unknown>, depth);
  if (special !== NOT_SPECIAL) return special;

  const out: Record<string, unknown> = {};
  const record = message as Record<string, unknown>;
  for (const declared of type.fieldsArray) {
    const field = declared.resolve();
    const value = record[field.name];
    if (value === undefined || value === null) continue;
    const key = jsonNameOf(field);
    if (field.map) {
      const keys = Object.keys(value as object);
      if (keys.length === 0) continue;
      const mapOut: Record<string, unknown> = {};
      for (const k of keys) defineKey(mapOut, k, singularToJson(field, (value as Record<string, unknown>)[k], depth));
      defineKey(out, key, mapOut);
    } else if (field.repeated) {
      const items = value as unknown[];
      if (items.length === 0) continue;
      defineKey(out, key, items.map((item) => singularToJson(field, item, depth)));
    } else {
      if (!Object.prototype.hasOwnProperty.call(record, field.name) || isImplicitDefault(field, value)) continue;
      defineKey(out, key, singularToJson(field, value, depth));
    }
  }
  return out;
}

/**
 * Proto3 JSON value → message of `type`. Unknown JSON keys are ignored (a newer sender may know
 * more fields than we do).
 *
 * @example
 * ```ts
 * const execution = protoJsonToMessage(WorkflowExecution, JSON.parse(text));
 * ```
 */
export function protoJsonToMessage(type: ReflectedType, json: unknown): object {
  return type.fromObject(jsonToObject(type, json, 0, wireTypeName(type)) as Record<string, unknown>);
}

// ---- message → JSON -------------------------------------------------------------------------

const NOT_SPECIAL = Symbol('not a well-known type');

function wellKnownToJson(type: ReflectedType, message: Record<string, unknown>, depth: number): unknown {
  switch (type.fullName) {
    case '.google.protobuf.Duration':
      return durationToJson(message);
    case '.google.protobuf.Timestamp':
      return timestampToJson(message);
    case '.google.protobuf.FieldMask':
      return ((message.paths as string[] | undefined) ?? []).map(snakeToLowerCamel).join(',');
    case '.google.protobuf.Value':
      return valueToJson(message, depth);
    case '.google.protobuf.Struct':
      return structToJson(message, depth);
    case '.google.protobuf.ListValue':
      return listToJson(message, depth);
    case '.google.protobuf.Any':
      return anyToJson(type, message, depth);
  }
  if (WRAPPERS.has(type.fullName)) {
    const field = type.fieldsArray.find((f) => f.name === 'value')?.resolve();
    if (!field) throw new ValueError(`${type.fullName}: wrapper type without a 'value' field`);
    const value = message.value ?? defaultScalar(field.type);
    return singularToJson(field, value, depth);
  }
  return NOT_SPECIAL;
}

function singularToJson(field: ReflectedField, value: unknown, depth: number): unknown {
  const resolved = field.resolvedType;
  if (resolved && isEnum(resolved)) {
    if (resolved.fullName === '.google.protobuf.NullValue') return null;
    return resolved.valuesById[value as number] ?? value;
  }
  if (resolved) return messageToProtoJson(resolved, value as object, depth + 1);
  if (INT64_TYPES.has(field.type)) return value === null || value === undefined ? '0' : String(value);
  if (field.type === 'double' || field.type === 'float') {
    return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
  }
  if (field.type === 'bytes') return value ? Buffer.from(value as Uint8Array).toString('base64') : '';
  return value;
}

function isImplicitDefault(field: ReflectedField, value: unknown): boolean {
  if (hasPresence(field) || field.resolvedType && !isEnum(field.resolvedType)) return false;
  if (field.resolvedType) return value === 0;
  switch (field.type) {
    case 'bool':
      return value === false;
    case 'string':
      return value === '';
    case 'bytes':
      return (value as Uint8Array).length === 0;
    default:
      return int64LikeToNumber(value) === 0;
  }
}

function hasPresence(field: ReflectedField): boolean {
  // protobufjs 8 computes presence; 7 does not, so derive it: oneof members and proto3 `optional` fields.
  if (typeof field.hasPresence === 'boolean') return field.hasPresence;
  return field.partOf !== undefined && field.partOf !== null || field.options?.proto3_optional === true;
}

function durationToJson(message: Record<string, unknown>): string {
  const seconds = int64LikeToNumber(message.seconds);
  const nanos = (message.nanos as number | undefined) ?? 0;
  if (Math.abs(seconds) > DURATION_MAX_SECONDS) throw new ValueError('google.protobuf.Duration out of range');
  if (Math.abs(nanos) > 999_999_999 || (seconds !== 0 && nanos !== 0 && seconds < 0 !== nanos < 0)) {
    throw new ValueError('google.protobuf.Duration has invalid nanos');
  }
  const sign = seconds < 0 || nanos < 0 ? '-' : '';
  return `${sign}${Math.abs(seconds)}${nanos ? `.${nanosFraction(Math.abs(nanos))}` : ''}s`;
}

function timestampToJson(message: Record<string, unknown>): string {
  const seconds = int64LikeToNumber(message.seconds);
  const nanos = (message.nanos as number | undefined) ?? 0;
  if (seconds < TIMESTAMP_MIN_SECONDS || seconds > TIMESTAMP_MAX_SECONDS) throw new ValueError('google.protobuf.Timestamp out of range');
  if (nanos < 0 || nanos > 999_999_999) throw new ValueError('google.protobuf.Timestamp nanos out of range');
  const iso = new Date(seconds * 1000).toISOString();
  return iso.replace(/\.\d+Z$/, nanos ? `.${nanosFraction(nanos)}Z` : 'Z');
}

/** 9-digit fraction, shortened to 3 or 6 digits when the rest is zeros (the proto3 JSON rule). */
function nanosFraction(nanos: number): string {
  let text = String(nanos).padStart(9, '0');
  while (text.length > 3 && text.endsWith('000')) text = text.slice(0, -3);
  return text;
}

function valueToJson(message: Record<string, unknown> | null | undefined, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new ValueError(`google.protobuf.Value nesting deeper than ${MAX_DEPTH}`);
  if (!message || has(message, 'nullValue')) return null;
  if (has(message, 'numberValue')) {
    if (!Number.isFinite(message.numberValue)) throw new ValueError('google.protobuf.Value cannot hold a non-finite number');
    return message.numberValue;
  }
  if (has(message, 'stringValue')) return message.stringValue;
  if (has(message, 'boolValue')) return message.boolValue;
  if (has(message, 'structValue')) return structToJson(message.structValue as Record<string, unknown>, depth + 1);
  if (has(message, 'listValue')) return listToJson(message.listValue as Record<string, unknown>, depth + 1);
  return null;
}

function structToJson(message: Record<string, unknown> | undefined, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields = (message?.fields ?? {}) as Record<string, Record<string, unknown>>;
  for (const k of Object.keys(fields)) defineKey(out, k, valueToJson(fields[k], depth));
  return out;
}

function listToJson(message: Record<string, unknown> | undefined, depth: number): unknown[] {
  return ((message?.values ?? []) as Record<string, unknown>[]).map((v) => valueToJson(v, depth));
}

function anyToJson(type: ReflectedType, message: Record<string, unknown>, depth: number): unknown {
  const typeUrl = (message.typeUrl ?? message.type_url) as string | undefined;
  if (!typeUrl) return {};
  const inner = lookupType(type.root, typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
  const decoded = inner.decode((message.value as Uint8Array | undefined) ?? new Uint8Array(0));
  const body = messageToProtoJson(inner, decoded, depth + 1);
  if (wellKnownToJson(inner, decoded as Record<string, unknown>, depth + 1) !== NOT_SPECIAL) return { '@type': typeUrl, value: body };
  return { '@type': typeUrl, ...(body as Record<string, unknown>) };
}

// ---- JSON → plain object for Type.fromObject -------------------------------------------------

function jsonToObject(type: ReflectedType, json: unknown, depth: number, path: string): unknown {
  if (depth > MAX_DEPTH) throw new ValueError(`${path}: nesting deeper than ${MAX_DEPTH}`);
  switch (type.fullName) {
    case '.google.protobuf.Duration':
      return durationFromJson(json, path);
    case '.google.protobuf.Timestamp':
      return timestampFromJson(json, path);
    case '.google.protobuf.FieldMask':
      if (typeof json !== 'string') throw new ValueError(`${path}: expected a field mask string`);
      return { paths: json === '' ? [] : json.split(',').map((p) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)) };
    case '.google.protobuf.Value':
      return valueFromJson(json, depth, path);
    case '.google.protobuf.Struct':
      return structFromJson(json, depth, path);
    case '.google.protobuf.ListValue':
      if (!Array.isArray(json)) throw new ValueError(`${path}: expected an array`);
      return { values: json.map((v, i) => valueFromJson(v, depth + 1, `${path}[${i}]`)) };
    case '.google.protobuf.Any':
      return anyFromJson(type, json, depth, path);
  }
  if (WRAPPERS.has(type.fullName)) return { value: json };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ValueError(`${path}: expected a JSON object`);

  const input = json as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const declared of type.fieldsArray) {
    const field = declared.resolve();
    const key = [jsonNameOf(field), field.name].find((k) => has(input, k));
    if (key === undefined) continue;
    const value = input[key];
    const fieldPath = `${path}.${field.name}`;
    if (value === null) {
      // null means "default" except for google.protobuf.Value, where it is the JSON null.
      if (field.resolvedType && !isEnum(field.resolvedType) && field.resolvedType.fullName === '.google.protobuf.Value') {
        out[field.name] = { nullValue: 0 };
      }
      continue;
    }
    if (field.map) {
      if (typeof value !== 'object' || Array.isArray(value)) throw new ValueError(`${fieldPath}: expected a JSON object for a map`);
      const mapOut: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) mapOut[k] = singularFromJson(field, v, depth, `${fieldPath}[${k}]`);
      out[field.name] = mapOut;
    } else if (field.repeated) {
      if (!Array.isArray(value)) throw new ValueError(`${fieldPath}: expected an array`);
      out[field.name] = value.map((v, i) => singularFromJson(field, v, depth, `${fieldPath}[${i}]`));
    } else {
      out[field.name] = singularFromJson(field, value, depth, fieldPath);
    }
  }
  return out;
}

function singularFromJson(field: ReflectedField, value: unknown, depth: number, path: string): unknown {
  const resolved = field.resolvedType;
  if (resolved && isEnum(resolved)) {
    if (typeof value === 'string' && !has(resolved.values, value)) throw new ValueError(`${path}: unknown enum value '${value}'`);
    return value;
  }
  if (resolved) return jsonToObject(resolved, value, depth + 1, path);
  if ((field.type === 'double' || field.type === 'float') && typeof value === 'string') return Number(value);
  return value;
}

function durationFromJson(json: unknown, path: string): Record<string, unknown> {
  const match = typeof json === 'string' ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(json) : null;
  if (!match) throw new ValueError(`${path}: invalid duration ${JSON.stringify(json)} (expected e.g. "1.5s")`);
  const sign = match[1] ? -1 : 1;
  const seconds = Number(match[2]) * sign;
  const nanos = match[3] ? Number(match[3].padEnd(9, '0')) * sign : 0;
  return { seconds: String(seconds), nanos };
}

function timestampFromJson(json: unknown, path: string): Record<string, unknown> {
  const match =
    typeof json === 'string'
      ? /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(json)
      : null;
  const millis = match ? Date.parse((json as string).replace(/\.\d+/, '')) : Number.NaN;
  if (!match || Number.isNaN(millis)) throw new ValueError(`${path}: invalid timestamp ${JSON.stringify(json)} (expected RFC 3339)`);
  return { seconds: String(Math.floor(millis / 1000)), nanos: match[1] ? Number(match[1].padEnd(9, '0')) : 0 };
}

function valueFromJson(json: unknown, depth: number, path: string): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new ValueError(`${path}: nesting deeper than ${MAX_DEPTH}`);
  if (json === null) return { nullValue: 0 };
  switch (typeof json) {
    case 'number':
      return { numberValue: json };
    case 'string':
      return { stringValue: json };
    case 'boolean':
      return { boolValue: json };
  }
  if (Array.isArray(json)) return { listValue: { values: json.map((v, i) => valueFromJson(v, depth + 1, `${path}[${i}]`)) } };
  return { structValue: structFromJson(json, depth + 1, path) };
}

function structFromJson(json: unknown, depth: number, path: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ValueError(`${path}: expected a JSON object`);
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) fields[k] = valueFromJson(v, depth, `${path}.${k}`);
  return { fields };
}

function anyFromJson(type: ReflectedType, json: unknown, depth: number, path: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ValueError(`${path}: expected a JSON object`);
  const { '@type': typeUrl, ...rest } = json as Record<string, unknown>;
  if (typeUrl === undefined) return {};
  if (typeof typeUrl !== 'string') throw new ValueError(`${path}: '@type' must be a string`);
  const inner = lookupType(type.root, typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
  const special = wellKnownToJson(inner, {}, 0) !== NOT_SPECIAL;
  const innerObject = jsonToObject(inner, special ? rest.value : rest, depth + 1, path) as Record<string, unknown>;
  // Descriptor-built roots keep the proto name (`type_url`); pbjs-generated ones camel-case it.
  const typeUrlField = type.fieldsArray.some((f) => f.name === 'type_url') ? 'type_url' : 'typeUrl';
  return { [typeUrlField]: typeUrl, value: inner.encode(inner.fromObject(innerObject)).finish() };
}

// ---- helpers --------------------------------------------------------------------------------

function isEnum(value: ReflectedType | ReflectedEnum): value is ReflectedEnum {
  return 'valuesById' in value;
}

function jsonNameOf(field: ReflectedField): string {
  return field.jsonName ?? snakeToLowerCamel(field.name);
}

function snakeToLowerCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function lookupType(root: ReflectedType['root'], name: string): ReflectedType {
  try {
    return root.lookupType(name);
  } catch {
    throw new ValueError(`google.protobuf.Any refers to type '${name}', which the protobuf root does not contain`);
  }
}

function defaultScalar(type: string): unknown {
  if (type === 'bool') return false;
  if (type === 'string') return '';
  if (type === 'bytes') return new Uint8Array(0);
  return 0;
}

function int64LikeToNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && typeof (value as { toNumber?: unknown }).toNumber === 'function') {
    return (value as { toNumber(): number }).toNumber();
  }
  return Number(value) || 0;
}

function has(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Assigns like `out[key] = value` but treats `__proto__` as a plain key. */
function defineKey(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}
