/**
 * The data converter contract shared by the client, the workers and user code.
 *
 * Names and shapes follow the official TypeScript SDK so that converters and codecs written for
 * `@temporalio/common` fit here unchanged; payload bytes are compatible with every official SDK.
 */
import type { temporal } from '@temporalio/proto';

/** A serialized value: `metadata` (at least `encoding`) plus `data` bytes. */
export type Payload = temporal.api.common.v1.IPayload;

/** A Temporal `Failure` proto as it travels in commands, completions and history. */
export type ProtoFailure = temporal.api.failure.v1.IFailure;

/**
 * Turns a single value into a {@link Payload} and back. Runs synchronously so it can also run inside
 * the workflow sandbox.
 *
 * @example
 * ```ts
 * const payload = converter.toPayload({ hello: 'world' });
 * const value = converter.fromPayload<{ hello: string }>(payload);
 * ```
 */
export interface PayloadConverter {
  /** Throws `ValueError` when the value cannot be converted. */
  toPayload(value: unknown): Payload;
  /** Throws `ValueError` / `PayloadConverterError` when the payload cannot be decoded. */
  fromPayload<T = unknown>(payload: Payload): T;
}

/**
 * One member of a composite converter: handles a single `encoding`.
 *
 * @example
 * ```ts
 * const p = jsonConverter.tryToPayload({ a: 1 }); // undefined when this converter does not apply
 * ```
 */
export interface PayloadConverterWithEncoding {
  /** The `encoding` metadata value this converter writes and reads, e.g. `json/plain`. */
  readonly encodingType: string;
  /** Returns `undefined` when this converter does not handle the value (the composite tries the next one). */
  toPayload(value: unknown): Payload | undefined;
  fromPayload<T = unknown>(payload: Payload): T;
}

/**
 * Async transformation of already-converted payloads (compression, encryption, ...). Codecs run on
 * the host, never inside the workflow sandbox, so they may do I/O.
 *
 * @example
 * ```ts
 * const dataConverter: DataConverter = { payloadCodecs: [new GzipPayloadCodec(), myEncryptionCodec] };
 * ```
 */
export interface PayloadCodec {
  /** Must return one payload per input payload, in the same order. */
  encode(payloads: Payload[]): Promise<Payload[]>;
  /** Must undo `encode`; payloads it did not produce pass through unchanged. */
  decode(payloads: Payload[]): Promise<Payload[]>;
}

/**
 * Maps thrown errors to Temporal `Failure` protos and back.
 *
 * @example
 * ```ts
 * const failure = failureConverter.errorToFailure(new ApplicationFailure('boom'), payloadConverter);
 * const error = failureConverter.failureToError(failure, payloadConverter);
 * ```
 */
export interface FailureConverter {
  errorToFailure(error: unknown, payloadConverter: PayloadConverter): ProtoFailure;
  failureToError(failure: ProtoFailure, payloadConverter: PayloadConverter): Error;
}

/**
 * What users pass as `dataConverter` to the client and the worker. Every field is optional; missing
 * ones fall back to the defaults (composite JSON converter, default failure converter, no codecs).
 *
 * @example
 * ```ts
 * const dataConverter: DataConverter = {
 *   payloadConverterPath: require.resolve('./payload-converter'), // exports `payloadConverter`
 *   payloadCodecs: [new ZlibPayloadCodec()],
 * };
 * const client = new Client({ connection, dataConverter });
 * await Worker.create({ connection, taskQueue, workflowsPath, dataConverter });
 * ```
 */
export interface DataConverter {
  payloadConverter?: PayloadConverter;
  failureConverter?: FailureConverter;
  /**
   * A module exporting `payloadConverter`. The only form a worker with workflows accepts: the
   * module is bundled into the workflow sandbox, and the client and activities load it too.
   */
  payloadConverterPath?: string;
  /** A module exporting `failureConverter`; bundled into the workflow sandbox like `payloadConverterPath`. */
  failureConverterPath?: string;
  /** Applied in array order on encode and in reverse order on decode. */
  payloadCodecs?: PayloadCodec[];
}

/**
 * A {@link DataConverter} with every default filled in, plus the host-side helpers the client and
 * worker use. Obtain one with `resolveDataConverter(dataConverter)` from `lib/converter`.
 *
 * @example
 * ```ts
 * const dc = resolveDataConverter({ payloadCodecs: [new GzipPayloadCodec()] });
 * const payloads = await dc.encode(['a', 1]);
 * const [a, b] = await dc.decode<string | number>(payloads);
 * ```
 */
export interface LoadedDataConverter {
  readonly payloadConverter: PayloadConverter;
  readonly failureConverter: FailureConverter;
  readonly payloadCodecs: readonly PayloadCodec[];
  /** Converts then encodes each value through the codecs; one payload per value. */
  encode(values: readonly unknown[]): Promise<Payload[]>;
  /** Decodes through the codecs (reverse order) then converts; `null`/`undefined` gives `[]`. */
  decode<T = unknown>(payloads?: readonly Payload[] | null): Promise<T[]>;
  encodeOne(value: unknown): Promise<Payload>;
  /** `null`/`undefined` payload gives `undefined` (an absent result). */
  decodeOne<T = unknown>(payload?: Payload | null): Promise<T>;
  /** For memo and headers: each value converted and encoded. `undefined`/`null` record gives `undefined`. */
  encodeMap(record?: Readonly<Record<string, unknown>> | null): Promise<Record<string, Payload> | undefined>;
  decodeMap<T = unknown>(record?: Readonly<Record<string, Payload>> | null): Promise<Record<string, T> | undefined>;
  /** Runs the failure converter, then the codecs over every payload inside the failure tree. */
  encodeFailure(error: unknown): Promise<ProtoFailure>;
  /** Runs the codecs (reverse order) over every payload inside the failure tree, then the failure converter. */
  decodeFailure(failure: ProtoFailure): Promise<Error>;
  /** Codecs only, for payloads converted elsewhere (e.g. inside the workflow sandbox). */
  encodePayloads(payloads: readonly Payload[]): Promise<Payload[]>;
  decodePayloads(payloads: readonly Payload[]): Promise<Payload[]>;
  /** Codecs only, over every payload inside a failure tree. */
  encodeFailurePayloads(failure: ProtoFailure): Promise<ProtoFailure>;
  decodeFailurePayloads(failure: ProtoFailure): Promise<ProtoFailure>;
}
