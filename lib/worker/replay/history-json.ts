/**
 * Workflow histories as JSON: what `temporal workflow show --output json`, the Temporal UI's
 * download and the official SDK's `historyToJSON` produce, i.e. the proto3 JSON mapping of
 * `temporal.api.history.v1.History` (int64 as strings, bytes in base64, timestamps in RFC 3339),
 * plus the short enum spelling of older tools (`"eventType": "WorkflowExecutionStarted"` for
 * `EVENT_TYPE_WORKFLOW_EXECUTION_STARTED`).
 */
import { temporal } from '@temporalio/proto';
import { ValueError } from '../../common/errors';
import {
  isReflectedType,
  messageToProtoJson,
  protoJsonToMessage,
  type ReflectedEnum,
  type ReflectedField,
  type ReflectedType,
} from '../../converter/protobuf-json';

type History = temporal.api.history.v1.History;

const MAX_DEPTH = 100;

function historyType(): ReflectedType {
  const type: unknown = temporal.api.history.v1.History;
  // @temporalio/proto is a reflection (JSON) module; a static build would not carry field metadata.
  if (!isReflectedType(type)) throw new Error('@temporalio/proto does not expose reflection metadata for History');
  return type;
}

/**
 * Parses a history in proto3 JSON (a string, or the value `JSON.parse` made of it) into a
 * `History` message.
 *
 * @throws TypeError when the text is not JSON or not an object with an `events` array, and a
 *   `ValueError` naming the field (e.g. `temporal.api.history.v1.History.events[3].eventTime`) when a
 *   value does not fit the schema.
 * @example
 * ```ts
 * const history = historyFromJSON(await fs.readFile('order-1.json', 'utf8'));
 * await runReplayHistory({ workflowsPath }, history, 'order-1');
 * ```
 */
export function historyFromJSON(json: unknown): History {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new TypeError(`history: not valid JSON (${(error as Error).message})`);
    }
  }
  if (value === null || typeof value !== 'object' || !Array.isArray((value as { events?: unknown }).events)) {
    throw new TypeError('history: expected a JSON object with an "events" array');
  }
  const type = historyType();
  const normalized = expandShortEnumNames(type, value, 0, 'history');
  return protoJsonToMessage(type, normalized) as History;
}

/**
 * Renders a history as proto3 JSON text, the form {@link historyFromJSON} and the official tools
 * read.
 *
 * @example
 * ```ts
 * await fs.writeFile('order-1.json', historyToJSON(await handle.fetchHistory()));
 * ```
 */
export function historyToJSON(history: temporal.api.history.v1.IHistory, space?: number): string {
  const type = historyType();
  // fromObject returns messages unchanged and converts plain objects.
  const message = temporal.api.history.v1.History.fromObject(history as Record<string, unknown>);
  return JSON.stringify(messageToProtoJson(type, message), null, space);
}

// ---- short enum names ------------------------------------------------------------------------

/**
 * Copies `json`, rewriting enum values written without their type prefix (`WorkflowExecutionStarted`)
 * to the proto name (`EVENT_TYPE_WORKFLOW_EXECUTION_STARTED`). Values that are already proto names,
 * numbers, or that match nothing are left for the proto3 JSON parser to accept or refuse.
 */
function expandShortEnumNames(type: ReflectedType, json: unknown, depth: number, path: string): unknown {
  if (depth > MAX_DEPTH) throw new ValueError(`${path}: nesting deeper than ${MAX_DEPTH}`);
  // Well-known types have special JSON forms and no enums worth rewriting.
  if (type.fullName.startsWith('.google.protobuf.')) return json;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return json;
  const input = json as Record<string, unknown>;
  const out: Record<string, unknown> = { ...input };
  for (const declared of type.fieldsArray) {
    const field = declared.resolve();
    const resolved = field.resolvedType;
    if (!resolved) continue;
    for (const key of [field.jsonName ?? lowerCamel(field.name), field.name]) {
      if (!Object.prototype.hasOwnProperty.call(input, key)) continue;
      out[key] = mapFieldValue(field, input[key], (item, suffix) =>
        isEnum(resolved)
          ? expandEnumValue(resolved, item)
          : expandShortEnumNames(resolved, item, depth + 1, `${path}.${field.name}${suffix}`),
      );
    }
  }
  return out;
}

function mapFieldValue(field: ReflectedField, value: unknown, convert: (item: unknown, suffix: string) => unknown): unknown {
  if (field.map && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, `[${k}]`)]));
  }
  if (field.repeated && Array.isArray(value)) return value.map((item, i) => convert(item, `[${i}]`));
  return convert(value, '');
}

function expandEnumValue(enumType: ReflectedEnum, value: unknown): unknown {
  if (typeof value !== 'string' || Object.prototype.hasOwnProperty.call(enumType.values, value)) return value;
  const typeName = enumType.fullName.slice(enumType.fullName.lastIndexOf('.') + 1);
  const candidate = `${upperSnake(typeName)}_${upperSnake(value)}`;
  return Object.prototype.hasOwnProperty.call(enumType.values, candidate) ? candidate : value;
}

function isEnum(value: ReflectedType | ReflectedEnum): value is ReflectedEnum {
  return 'valuesById' in value;
}

/** `WorkflowExecutionStarted` → `WORKFLOW_EXECUTION_STARTED`. */
function upperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
}

function lowerCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
