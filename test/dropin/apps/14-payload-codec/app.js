'use strict';
const { Client, Connection } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');
const activities = require('./activities');
const { GzipCodec, ENCODING } = require('./codec');

exports.run = async function run({ address, namespace, taskQueue }) {
  const clientCodec = new GzipCodec();
  const workerCodec = new GzipCodec();
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace, dataConverter: { payloadCodecs: [clientCodec] } });
    const worker = await Worker.create({
      connection: workerConnection,
      namespace,
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities,
      dataConverter: { payloadCodecs: [workerCodec] },
    });
    return await worker.runUntil(async () => {
      const handle = await client.workflow.start('loud', { taskQueue, workflowId: `${taskQueue}-loud`, args: ['quiet please'] });
      const result = await handle.result();
      const queried = await handle.query('last');
      // What the server stored is the codec's output, not the JSON.
      const { events } = await handle.fetchHistory();
      const input = events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
      return {
        result,
        queried,
        storedEncoding: Buffer.from(input.metadata.encoding).toString(),
        clientCodecRan: clientCodec.encoded > 0 && clientCodec.decoded > 0,
        workerCodecRan: workerCodec.encoded > 0 && workerCodec.decoded > 0,
      };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
