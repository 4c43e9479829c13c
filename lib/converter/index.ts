/**
 * The data converter: values ↔ payloads (payload converters), payloads ↔ payloads (async codecs),
 * errors ↔ failures (failure converter). Byte-compatible with the official Temporal SDKs.
 */
export type {
  DataConverter,
  FailureConverter,
  LoadedDataConverter,
  Payload,
  PayloadCodec,
  PayloadConverter,
  PayloadConverterWithEncoding,
  ProtoFailure,
} from './types';
export { resolveDataConverter } from './data-converter';
export { PayloadConverterError, ValueError } from '../common/errors';
export {
  BinaryPayloadConverter,
  CompositePayloadConverter,
  DefaultPayloadConverter,
  JsonPayloadConverter,
  UndefinedPayloadConverter,
  UnknownEncodingError,
  defaultPayloadConverter,
} from './payload-converters';
export {
  DefaultPayloadConverterWithProtobufs,
  ProtobufBinaryPayloadConverter,
  ProtobufJsonPayloadConverter,
  type ProtobufConverterOptions,
  type ProtobufRoot,
} from './protobuf-payload-converters';
export { DefaultFailureConverter, defaultFailureConverter, cutoffStackTrace, type DefaultFailureConverterOptions } from './failure-converter';
export { mapFailurePayloads } from './failure-payloads';
export { ZLIB_ENCODING, ZlibPayloadCodec, type ZlibPayloadCodecOptions } from './codecs/zlib-codec';
export { METADATA_ENCODING_KEY, METADATA_MESSAGE_TYPE_KEY, decodeUtf8, encodeUtf8, encodingTypes, payloadEncoding } from './encoding';
