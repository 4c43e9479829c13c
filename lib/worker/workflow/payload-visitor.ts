import type * as protobuf from 'protobufjs';
import type { temporal } from '@temporalio/proto';

type Payload = temporal.api.common.v1.IPayload;

const PAYLOAD = '.temporal.api.common.v1.Payload';
// Search attributes are indexed by the server, so they must stay readable: codecs never touch them.
const SKIPPED = new Set(['.temporal.api.common.v1.SearchAttributes']);

interface Slot {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Does `type` (transitively) contain a Payload field? Cached: the answer never changes per type. */
const reachesPayload = new WeakMap<protobuf.Type, boolean>();
function containsPayload(type: protobuf.Type, visiting = new Set<protobuf.Type>()): boolean {
  const known = reachesPayload.get(type);
  if (known !== undefined) return known;
  if (visiting.has(type)) return false;
  visiting.add(type);
  let found = false;
  for (const field of type.fieldsArray) {
    const child = field.resolve().resolvedType;
    if (!child || !('fieldsArray' in child) || SKIPPED.has(child.fullName)) continue;
    if (child.fullName === PAYLOAD || containsPayload(child as protobuf.Type, visiting)) {
      found = true;
      break;
    }
  }
  visiting.delete(type);
  // Only cache definite answers; a `false` reached through a cycle may be incomplete.
  if (found || visiting.size === 0) reachesPayload.set(type, found);
  return found;
}

function collect(type: protobuf.Type, message: Record<string, unknown>, slots: Slot[]): void {
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    if (value === null || value === undefined) continue;
    const child = field.resolve().resolvedType;
    if (!child || !('fieldsArray' in child) || SKIPPED.has(child.fullName)) continue;
    const childType = child as protobuf.Type;
    const isPayload = childType.fullName === PAYLOAD;
    if (!isPayload && !containsPayload(childType)) continue;
    const visit = (holder: Record<string, unknown> | unknown[], key: string | number, item: unknown) => {
      if (!isObject(item)) return;
      if (isPayload) slots.push({ holder, key });
      else collect(childType, item, slots);
    };
    if (field.map && isObject(value)) {
      for (const key of Object.keys(value)) visit(value, key, value[key]);
    } else if (field.repeated && Array.isArray(value)) {
      value.forEach((item, index) => visit(value, index, item));
    } else {
      visit(message, field.name, value);
    }
  }
}

/**
 * Runs `transform` once over every `Payload` found anywhere in `message` (a protobuf message of
 * `type`, or its plain-object form) and writes the results back in place. This is how payload
 * codecs are applied around activations: generically, from the message schema, so new payload
 * fields in future protos are covered without code changes.
 */
export async function transformPayloads(
  type: protobuf.Type,
  message: object,
  transform: (payloads: Payload[]) => Promise<Payload[]>,
): Promise<void> {
  const slots: Slot[] = [];
  collect(type, message as Record<string, unknown>, slots);
  if (slots.length === 0) return;
  const before = slots.map(({ holder, key }) => (holder as Record<string | number, unknown>)[key] as Payload);
  const after = await transform(before);
  if (after.length !== before.length) {
    throw new RangeError(`A payload codec returned ${after.length} payloads for ${before.length}`);
  }
  slots.forEach(({ holder, key }, i) => {
    (holder as Record<string | number, unknown>)[key] = after[i];
  });
}
