import { brandClass } from './class-marker';

/**
 * Thrown when a value (or a payload) cannot be handled: not serialisable, wrong type, unknown
 * encoding, missing data. The message names the problem; `cause` holds the underlying error.
 *
 * @example
 * ```ts
 * try { converter.toPayload(10n); } catch (e) { if (e instanceof ValueError) console.error(e.message); }
 * ```
 */
export class ValueError extends Error {
  constructor(message: string, public override readonly cause?: unknown) {
    super(message);
  }
}
brandClass(ValueError, 'ValueError');

/**
 * Thrown when a payload converter is misconfigured or a payload needs a converter that is not
 * installed (e.g. a `json/protobuf` payload whose `messageType` is missing from the protobuf root).
 *
 * @example
 * ```ts
 * new DefaultPayloadConverterWithProtobufs({ protobufRoot: undefined as never }); // throws PayloadConverterError
 * ```
 */
export class PayloadConverterError extends ValueError {}
brandClass(PayloadConverterError, 'PayloadConverterError');
