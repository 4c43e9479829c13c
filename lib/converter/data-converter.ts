/**
 * Resolves a user's {@link DataConverter} into the {@link LoadedDataConverter} the client and the
 * worker use for everything host-side: values → payloads → codecs, and errors → failures → codecs.
 */
import { resolve as resolvePath } from 'node:path';
import { ValueError } from '../common/errors';
import { DefaultFailureConverter } from './failure-converter';
import { mapFailurePayloads } from './failure-payloads';
import { defaultPayloadConverter } from './payload-converters';
import type {
  DataConverter,
  FailureConverter,
  LoadedDataConverter,
  Payload,
  PayloadCodec,
  PayloadConverter,
  ProtoFailure,
} from './types';

/**
 * Fills in defaults and checks the shape of a user-supplied data converter.
 *
 * @example
 * ```ts
 * const dc = resolveDataConverter({ payloadCodecs: [new ZlibPayloadCodec()] });
 * const [payload] = await dc.encode([{ orderId: 42 }]);
 * const order = await dc.decodeOne<{ orderId: number }>(payload);
 * ```
 */
export function resolveDataConverter(dataConverter?: DataConverter | LoadedDataConverter | null): LoadedDataConverter {
  if (dataConverter instanceof DefaultLoadedDataConverter) return dataConverter;
  if (dataConverter !== undefined && dataConverter !== null && typeof dataConverter !== 'object') {
    throw new ValueError(`dataConverter must be an object, got ${typeof dataConverter}`);
  }
  const given: DataConverter = (dataConverter as DataConverter | null | undefined) ?? {};
  for (const key of Object.keys(given)) {
    if (!DATA_CONVERTER_KEYS.has(key)) {
      throw new ValueError(`dataConverter.${key} is not a data converter option (known: ${[...DATA_CONVERTER_KEYS].join(', ')})`);
    }
  }
  const { payloadCodecs } = given;
  const payloadConverter = converterFromPathOrObject(given, 'payloadConverter', ['toPayload', 'fromPayload']);
  const failureConverter = converterFromPathOrObject(given, 'failureConverter', ['errorToFailure', 'failureToError']);
  if (payloadCodecs !== undefined) {
    if (!Array.isArray(payloadCodecs)) throw new ValueError('dataConverter.payloadCodecs must be an array of PayloadCodec');
    payloadCodecs.forEach((codec, i) => requireMethods(codec, `dataConverter.payloadCodecs[${i}]`, ['encode', 'decode']));
  }
  return new DefaultLoadedDataConverter(
    (payloadConverter as PayloadConverter | undefined) ?? defaultPayloadConverter,
    (failureConverter as FailureConverter | undefined) ?? new DefaultFailureConverter(),
    payloadCodecs ?? [],
  );
}

const DATA_CONVERTER_KEYS = new Set(['payloadConverter', 'failureConverter', 'payloadConverterPath', 'failureConverterPath', 'payloadCodecs']);

/**
 * `payloadConverter` / `failureConverter` given as an object, or loaded from `<name>Path` (a module
 * exporting `<name>`, the official convention, so the same module serves the workflow sandbox).
 */
function converterFromPathOrObject(
  given: DataConverter,
  name: 'payloadConverter' | 'failureConverter',
  methods: readonly string[],
): unknown {
  const object = given[name];
  const path = given[`${name}Path`];
  if (object !== undefined && path !== undefined) {
    throw new ValueError(`dataConverter.${name} and dataConverter.${name}Path are exclusive: give one of them`);
  }
  if (object !== undefined) {
    requireMethods(object, `dataConverter.${name}`, methods);
    return object;
  }
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || path.length === 0) throw new ValueError(`dataConverter.${name}Path must be a non-empty module path`);
  let loaded: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    // Relative paths are the caller's (cwd), as for `bundleWorkflowCode`, not this file's.
    loaded = require(path.startsWith('.') ? resolvePath(path) : path);
  } catch (error) {
    throw new ValueError(`dataConverter.${name}Path: cannot load ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const exported = (loaded as Record<string, unknown> | null)?.[name];
  if (exported === undefined) throw new ValueError(`dataConverter.${name}Path: ${path} does not export '${name}'`);
  requireMethods(exported, `dataConverter.${name}Path (${path}) export '${name}'`, methods);
  return exported;
}

class DefaultLoadedDataConverter implements LoadedDataConverter {
  constructor(
    readonly payloadConverter: PayloadConverter,
    readonly failureConverter: FailureConverter,
    readonly payloadCodecs: readonly PayloadCodec[],
  ) {}

  async encodePayloads(payloads: readonly Payload[]): Promise<Payload[]> {
    let current = [...payloads];
    if (current.length === 0) return current;
    for (const [i, codec] of this.payloadCodecs.entries()) {
      current = checkCodecOutput(await codec.encode(current), current.length, i, 'encode');
    }
    return current;
  }

  async decodePayloads(payloads: readonly Payload[]): Promise<Payload[]> {
    let current = [...payloads];
    if (current.length === 0) return current;
    for (let i = this.payloadCodecs.length - 1; i >= 0; i--) {
      current = checkCodecOutput(await this.payloadCodecs[i]!.decode(current), current.length, i, 'decode');
    }
    return current;
  }

  async encode(values: readonly unknown[]): Promise<Payload[]> {
    return this.encodePayloads(values.map((value) => this.payloadConverter.toPayload(value)));
  }

  async decode<T = unknown>(payloads?: readonly Payload[] | null): Promise<T[]> {
    if (!payloads || payloads.length === 0) return [];
    const decoded = await this.decodePayloads(payloads);
    return decoded.map((payload) => this.payloadConverter.fromPayload<T>(payload));
  }

  async encodeOne(value: unknown): Promise<Payload> {
    const [payload] = await this.encode([value]);
    return payload!;
  }

  async decodeOne<T = unknown>(payload?: Payload | null): Promise<T> {
    if (payload === undefined || payload === null) return undefined as T;
    const [value] = await this.decode<T>([payload]);
    return value as T;
  }

  async encodeMap(record?: Readonly<Record<string, unknown>> | null): Promise<Record<string, Payload> | undefined> {
    if (record === undefined || record === null) return undefined;
    const keys = Object.keys(record);
    const payloads = await this.encode(keys.map((k) => record[k]));
    return Object.fromEntries(keys.map((k, i) => [k, payloads[i]!]));
  }

  async decodeMap<T = unknown>(record?: Readonly<Record<string, Payload>> | null): Promise<Record<string, T> | undefined> {
    if (record === undefined || record === null) return undefined;
    const keys = Object.keys(record);
    const values = await this.decode<T>(keys.map((k) => record[k]!));
    return Object.fromEntries(keys.map((k, i) => [k, values[i]!]));
  }

  async encodeFailure(error: unknown): Promise<ProtoFailure> {
    return this.encodeFailurePayloads(this.failureConverter.errorToFailure(error, this.payloadConverter));
  }

  async decodeFailure(failure: ProtoFailure): Promise<Error> {
    return this.failureConverter.failureToError(await this.decodeFailurePayloads(failure), this.payloadConverter);
  }

  encodeFailurePayloads(failure: ProtoFailure): Promise<ProtoFailure> {
    return mapFailurePayloads(failure, (payloads) => this.encodePayloads(payloads));
  }

  decodeFailurePayloads(failure: ProtoFailure): Promise<ProtoFailure> {
    return mapFailurePayloads(failure, (payloads) => this.decodePayloads(payloads));
  }
}

/** A codec must return one payload per input; anything else would silently shift arguments. */
function checkCodecOutput(output: unknown, expected: number, index: number, operation: 'encode' | 'decode'): Payload[] {
  if (!Array.isArray(output)) {
    throw new ValueError(`dataConverter.payloadCodecs[${index}].${operation}() must resolve to an array of payloads, got ${typeof output}`);
  }
  if (output.length !== expected) {
    throw new ValueError(`dataConverter.payloadCodecs[${index}].${operation}() returned ${output.length} payloads for ${expected} inputs`);
  }
  return output as Payload[];
}

function requireMethods(value: unknown, field: string, methods: readonly string[]): void {
  if (typeof value !== 'object' || value === null) throw new ValueError(`${field} must be an object with ${methods.join(' and ')}`);
  for (const method of methods) {
    if (typeof (value as Record<string, unknown>)[method] !== 'function') throw new ValueError(`${field}.${method} must be a function`);
  }
}
