'use strict';
const { Client, Connection } = require('@temporalio/client');
const { defineSearchAttributeKey, SearchAttributeType } = require('@temporalio/common');
const { NativeConnection, Worker } = require('@temporalio/worker');

const customer = defineSearchAttributeKey('DropinCustomer', SearchAttributeType.KEYWORD);
const amount = defineSearchAttributeKey('DropinAmount', SearchAttributeType.INT);

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows') });
    return await worker.runUntil(async () => {
      const handle = await client.workflow.start('invoice', {
        taskQueue,
        workflowId: `${taskQueue}-invoice`,
        memo: { team: 'billing' },
        typedSearchAttributes: [{ key: customer, value: `acme-${taskQueue}` }],
      });
      // Wait until the upserts are applied (the second memo field appears).
      let description;
      for (;;) {
        description = await handle.describe();
        if (description.memo && description.memo.stage) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const during = { memo: description.memo, amount: description.typedSearchAttributes.get(amount), customerMatches: description.typedSearchAttributes.get(customer) === `acme-${taskQueue}` };
      await handle.signal('approve');
      const started = await handle.result();
      const after = await handle.describe();
      return { started: { customerMatches: started.customer === `acme-${taskQueue}`, memo: started.memo }, during, finalMemo: after.memo };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
