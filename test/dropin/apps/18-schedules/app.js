'use strict';
const { Client, Connection, ScheduleOverlapPolicy, ScheduleNotFoundError } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');

exports.run = async function run({ address, namespace, taskQueue }) {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowsPath: require.resolve('./workflows') });
    return await worker.runUntil(async () => {
      const scheduleId = `${taskQueue}-nightly`;
      const handle = await client.schedule.create({
        scheduleId,
        spec: { calendars: [{ hour: 2, minute: 30 }], timezone: 'Europe/London' },
        action: { type: 'startWorkflow', workflowType: 'report', taskQueue, args: ['nightly'] },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
        state: { paused: true, note: 'created paused' },
      });
      await handle.update((previous) => ({ ...previous, spec: { calendars: [{ hour: 3, minute: 0 }], timezone: 'Europe/London' }, state: { ...previous.state, note: 'moved to 3:00' } }));
      await handle.trigger();
      // The triggered action shows up in recentActions once its workflow has started.
      let description;
      for (;;) {
        description = await handle.describe();
        if (description.info.recentActions.length > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const { workflow } = description.info.recentActions[0].action;
      const result = await client.workflow.getHandle(workflow.workflowId, workflow.firstExecutionRunId).result();
      await handle.unpause('resumed');
      const unpaused = await handle.describe();
      await handle.delete();
      let afterDelete;
      try {
        await handle.describe();
        afterDelete = 'still there';
      } catch (err) {
        afterDelete = err instanceof ScheduleNotFoundError ? 'ScheduleNotFoundError' : err.name;
      }
      return {
        paused: description.state.paused,
        note: description.state.note,
        calendar: { hour: description.spec.calendars[0].hour, minute: description.spec.calendars[0].minute },
        overlap: description.policies.overlap,
        result,
        unpausedNote: unpaused.state.note,
        nowPaused: unpaused.state.paused,
        afterDelete,
      };
    });
  } finally {
    await workerConnection.close();
    await connection.close();
  }
};
