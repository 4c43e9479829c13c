import { describe, expect, test } from 'vitest';
import Long from 'long';
import { DefaultPayloadConverterWithProtobufs as OfficialWithProtobufs } from '@temporalio/common/lib/converter/protobuf-payload-converters';
import { temporal } from '@temporalio/proto';
import {
  DefaultPayloadConverterWithProtobufs,
  PayloadConverterError,
  ProtobufBinaryPayloadConverter,
} from '../../lib/converter';
import { ValueError } from '../../lib/common';
import { officialProtobufRoot, payloadBytes, temporalProtoRoot } from './wire';

const ours = new DefaultPayloadConverterWithProtobufs({ protobufRoot: temporalProtoRoot });
const officialRoot = officialProtobufRoot();
const official = new OfficialWithProtobufs({ protobufRoot: officialRoot as never });

/** Message type name + plain object; each side builds the message from its own protobufjs root. */
const messages: [string, string, Record<string, unknown>][] = [
  ['WorkflowExecution', 'temporal.api.common.v1.WorkflowExecution', { workflowId: 'order-42', runId: '0b9c6d0e-run' }],
  [
    'RetryPolicy (Duration, double, repeated string)',
    'temporal.api.common.v1.RetryPolicy',
    { initialInterval: { seconds: 1, nanos: 500_000_000 }, backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: ['Fatal', 'Bad'] },
  ],
  [
    'HistoryEvent (int64, Timestamp, enum, nested bytes, map)',
    'temporal.api.history.v1.HistoryEvent',
    {
      eventId: 12,
      eventTime: { seconds: 1_700_000_000, nanos: 123_000 },
      eventType: 1,
      workflowExecutionStartedEventAttributes: {
        workflowType: { name: 'checkout' },
        input: { payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') }] },
        attempt: 2,
      },
    },
  ],
  ['a message with every field at its default', 'temporal.api.common.v1.WorkflowExecution', { workflowId: '', runId: '' }],
  [
    'google.protobuf.Struct (nested values, lists, null)',
    'google.protobuf.Struct',
    {
      fields: {
        name: { stringValue: 'x' },
        count: { numberValue: 2.5 },
        ok: { boolValue: true },
        nothing: { nullValue: 0 },
        list: { listValue: { values: [{ numberValue: 1 }, { structValue: { fields: { a: { stringValue: 'b' } } } }] } },
      },
    },
  ],
  ['google.protobuf.Int64Value wrapper', 'google.protobuf.Int64Value', { value: '9007199254740993' }],
  ['google.protobuf.BytesValue wrapper', 'google.protobuf.BytesValue', { value: Buffer.from([1, 2, 250]) }],
  ['google.protobuf.FieldMask', 'google.protobuf.FieldMask', { paths: ['workflow_id', 'run_id', 'search_attributes.indexed_fields'] }],
  [
    'google.protobuf.Any holding a message',
    'google.protobuf.Any',
    {
      type_url: 'type.googleapis.com/temporal.api.common.v1.WorkflowExecution',
      value: Buffer.from([10, 2, 119, 102]), // WorkflowExecution{workflowId: 'wf'}
    },
  ],
  [
    'google.protobuf.Any holding a Duration (well-known body under "value")',
    'google.protobuf.Any',
    { type_url: 'type.googleapis.com/google.protobuf.Duration', value: Buffer.from([8, 5, 16, 1]) },
  ],
];

describe('json/protobuf payloads match @temporalio/common DefaultPayloadConverterWithProtobufs', () => {
  test.each(messages)('%s encodes to the same bytes as the official converter', (_name, typeName, object) => {
    const oursPayload = ours.toPayload(temporalProtoRoot.lookupType(typeName).fromObject(object));
    const officialPayload = official.toPayload(officialRoot.lookupType(typeName).fromObject(object));
    expect(payloadBytes(oursPayload)).toEqual(payloadBytes(officialPayload));
  });

  test.each(messages)('%s written by the official converter decodes with ours to an equal message', (_name, typeName, object) => {
    const expected = temporalProtoRoot.lookupType(typeName).fromObject(object);
    const decoded = ours.fromPayload<object>(official.toPayload(officialRoot.lookupType(typeName).fromObject(object)));
    const type = temporalProtoRoot.lookupType(typeName);
    expect(type.encode(decoded).finish()).toEqual(type.encode(expected).finish());
  });

  test.each(messages)('%s written by ours decodes with the official converter to an equal message', (_name, typeName, object) => {
    const decoded = official.fromPayload(ours.toPayload(temporalProtoRoot.lookupType(typeName).fromObject(object)));
    const type = temporalProtoRoot.lookupType(typeName);
    expect(type.encode(type.fromObject(decoded as object)).finish()).toEqual(type.encode(type.fromObject(object)).finish());
  });
});

describe('protobuf payloads', () => {
  test('a message is written as json/protobuf with its fully qualified messageType', () => {
    const payload = ours.toPayload(temporal.api.common.v1.WorkflowExecution.create({ workflowId: 'wf' }));
    expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('json/protobuf');
    expect(Buffer.from(payload.metadata!.messageType!).toString()).toBe('temporal.api.common.v1.WorkflowExecution');
    expect(Buffer.from(payload.data!).toString()).toBe('{"workflowId":"wf"}');
  });

  test('a decoded message is a message of the type from the configured root', () => {
    const payload = ours.toPayload(temporal.api.common.v1.WorkflowExecution.create({ workflowId: 'wf', runId: 'r' }));
    const decoded = ours.fromPayload<{ $type: unknown }>(payload);
    expect(decoded.$type).toBe(temporalProtoRoot.lookupType('temporal.api.common.v1.WorkflowExecution'));
    expect(decoded).toMatchObject({ workflowId: 'wf', runId: 'r' });
  });

  test('a binary/protobuf payload from another SDK decodes to the message', () => {
    const message = temporal.api.common.v1.RetryPolicy.create({ maximumAttempts: 7, initialInterval: { seconds: Long.fromNumber(2) } });
    const writer = new ProtobufBinaryPayloadConverter({ protobufRoot: temporalProtoRoot });
    const payload = writer.toPayload(message)!;
    expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('binary/protobuf');
    const decoded = ours.fromPayload<temporal.api.common.v1.RetryPolicy>(payload);
    expect(decoded.maximumAttempts).toBe(7);
    expect(Long.fromValue(decoded.initialInterval!.seconds!).toNumber()).toBe(2);
  });

  test('bytes fields decode as plain Uint8Array, not Buffer', () => {
    const message = temporal.api.common.v1.Payload.create({ data: new Uint8Array([1, 2, 3]) });
    const decoded = ours.fromPayload<temporal.api.common.v1.Payload>(ours.toPayload(message));
    expect(decoded.data.constructor).toBe(Uint8Array);
    expect([...decoded.data]).toEqual([1, 2, 3]);
  });

  test('plain objects still go to json/plain when protobufs are enabled', () => {
    const payload = ours.toPayload({ workflowId: 'not a message' });
    expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('json/plain');
  });

  test('a messageType missing from the root is refused with a PayloadConverterError naming the type', () => {
    const payload = ours.toPayload(temporal.api.common.v1.WorkflowExecution.create({ workflowId: 'wf' }));
    payload.metadata!.messageType = Buffer.from('acme.orders.v1.Order');
    expect(() => ours.fromPayload(payload)).toThrow(PayloadConverterError);
    expect(() => ours.fromPayload(payload)).toThrow(/'acme\.orders\.v1\.Order'/);
  });

  test('a json/protobuf payload without messageType is refused with a ValueError naming the metadata key', () => {
    const payload = ours.toPayload(temporal.api.common.v1.WorkflowExecution.create({ workflowId: 'wf' }));
    delete payload.metadata!.messageType;
    expect(() => ours.fromPayload(payload)).toThrow(ValueError);
    expect(() => ours.fromPayload(payload)).toThrow(/messageType/);
  });

  test('constructing without a protobuf root is refused with a PayloadConverterError naming protobufRoot', () => {
    expect(() => new DefaultPayloadConverterWithProtobufs({ protobufRoot: undefined as never })).toThrow(/protobufRoot/);
  });
});
