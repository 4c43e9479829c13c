'use strict';
// A payload converter for money amounts ({ cents, currency }) with its own encoding, ahead of the
// default converters. Loaded by path, so the same module runs in the workflow sandbox, the
// activities and the client.
const { CompositePayloadConverter, UndefinedPayloadConverter, JsonPayloadConverter } = require('@temporalio/common');

const ENCODING = 'text/money';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

class MoneyConverter {
  constructor() {
    this.encodingType = ENCODING;
  }
  toPayload(value) {
    if (value === null || typeof value !== 'object' || typeof value.cents !== 'number' || typeof value.currency !== 'string') return undefined;
    return { metadata: { encoding: encoder.encode(ENCODING) }, data: encoder.encode(`${value.cents} ${value.currency}`) };
  }
  fromPayload(payload) {
    const [cents, currency] = decoder.decode(payload.data).split(' ');
    return { cents: Number(cents), currency, viaMoneyConverter: true };
  }
}

exports.payloadConverter = new CompositePayloadConverter(new UndefinedPayloadConverter(), new MoneyConverter(), new JsonPayloadConverter());
