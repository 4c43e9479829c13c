'use strict';
// The activities: everything the workflows do to the outside world. Each is safe to run again
// (Temporal retries them, and a restarted service replays into them): rows are keyed by the run's
// workflow id and the task key, and written with upserts.
const { ApplicationFailure, heartbeat, sleep, activityInfo } = require('temporal-native/activity');

/** Wall-clock parts of `iso` in `timeZone`, for `fire_time` context sources. */
function zonedParts(iso, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'long', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return { iso, timezone: timeZone, date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}`, weekday: parts.weekday };
}

function readPath(root, path) {
  let value = root;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = value[part];
  }
  return value;
}

/** The orchestrator's activities (definition, context, run log), over the app database `repo`. */
function orchestratorActivities(repo) {
  return {
    async loadDefinition(definitionId) {
      const def = repo.getDefinition(definitionId);
      if (!def) throw ApplicationFailure.nonRetryable(`definition ${definitionId} does not exist`, 'DefinitionNotFound');
      return def;
    },

    /** Each context source by its name: a static value, (part of) the event, or the fire time. */
    async resolveContext({ definition, fireTime, event }) {
      const context = {};
      for (const source of definition.context_sources) {
        if (source.type === 'static') context[source.name] = source.value;
        else if (source.type === 'event') context[source.name] = event ? (source.path ? readPath(event.payload, source.path) ?? null : event.payload) : null;
        else context[source.name] = zonedParts(fireTime ?? new Date(activityInfo().scheduledTimestampMs ?? Date.now()).toISOString(), definition.timezone);
      }
      return context;
    },

    async logRunStarted(run) {
      repo.recordRunStarted({ ...run, fire_time: run.fire_time ?? null, dedupe_key: run.dedupe_key ?? null });
    },

    async logRunFinished(run) {
      repo.recordRunFinished({ ...run, error: run.error ?? null });
    },
  };
}

/** The task-execution queue's activities. */
function taskActivities(repo) {
  return {
    async createTaskRow(task) {
      const row = repo.createTask({
        run_workflow_id: task.runWorkflowId,
        task_key: task.key,
        definition_id: task.definitionId,
        kind: task.kind,
        title: task.title,
        assignee: task.assignee,
        params: task.params,
      });
      return { status: row.status };
    },

    /** The automated work itself: here, `work_ms` of waiting with heartbeats, standing in for a real job. */
    async performTask(task) {
      const step = 250;
      for (let waited = 0; waited < task.work_ms; waited += step) {
        heartbeat(waited);
        await sleep(Math.min(step, task.work_ms - waited));
      }
      return { done: task.key, by: `pid ${process.pid}` };
    },

    async completeTaskRow({ runWorkflowId, key, result }) {
      repo.completeTask(runWorkflowId, key, result);
    },
  };
}

module.exports = { orchestratorActivities, taskActivities };
