'use strict';
const zlib = require('node:zlib');

const ENCODING = 'binary/gzip-demo';

/** Gzips every payload; counts what it saw so the app can show the codec ran on both ends. */
class GzipCodec {
  constructor() {
    this.encoded = 0;
    this.decoded = 0;
  }
  async encode(payloads) {
    return payloads.map((payload) => {
      this.encoded++;
      return { metadata: { encoding: Buffer.from(ENCODING) }, data: zlib.gzipSync(Buffer.from(require('@temporalio/proto').temporal.api.common.v1.Payload.encode(payload).finish())) };
    });
  }
  async decode(payloads) {
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata.encoding).toString() !== ENCODING) return payload;
      this.decoded++;
      return require('@temporalio/proto').temporal.api.common.v1.Payload.decode(zlib.gunzipSync(payload.data));
    });
  }
}

module.exports = { GzipCodec, ENCODING };
