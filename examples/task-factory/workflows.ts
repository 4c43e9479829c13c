/**
 * The orchestrator (`runDefinition`) and the task runner (`executeTask`), written only with
 * `@temporalio/workflow`. Every side effect (the app database, the task's work) is an activity; the
 * workflow itself only decides, so replays after a crash or restart reach the same decisions.
 */
import { ApplicationFailure, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { planTasks, type JsonValue, type PlannedTask, type TaskTemplate } from './templates';

export interface TriggeringEvent {
  type: string;
  id?: string;
  payload: { [key: string]: JsonValue };
  dedupeKey: string;
}

/** What a schedule (its action's args) or the event ingress starts `runDefinition` with. */
export interface RunInput {
  definitionId: string;
  /** The definition's version when the schedule or event was set up; the run loads the current one. */
  version: number;
  source: 'schedule' | 'event' | 'manual';
  /** The task-execution queue the run's child workflows go to. */
  taskQueue: string;
  event?: TriggeringEvent;
}

export interface Definition {
  id: string;
  version: number;
  timezone: string;
  jitter_ms: number;
  context_sources: Array<{ name: string; type: 'static' | 'event' | 'fire_time'; value?: JsonValue; path?: string }>;
  task_templates: TaskTemplate[];
}

export interface RunSummary {
  workflowId: string;
  definitionId: string;
  definitionVersion: number;
  tasks: number;
  automated: number;
  human: number;
}

export interface TaskInput extends PlannedTask {
  runWorkflowId: string;
  definitionId: string;
}

export interface TaskOutcome {
  key: string;
  status: 'open' | 'done';
}

/** The activities of activities.js, as the workflows see them. */
export interface OrchestratorActivities {
  loadDefinition(definitionId: string): Promise<Definition>;
  resolveContext(input: { definition: Definition; source: RunInput['source']; fireTime?: string; event?: TriggeringEvent }): Promise<{ [key: string]: JsonValue }>;
  logRunStarted(run: { workflow_id: string; run_id: string; definition_id: string; definition_version: number | null; source: string; fire_time?: string; dedupe_key?: string }): Promise<void>;
  logRunFinished(run: { workflow_id: string; status: 'completed' | 'failed'; tasks_planned: number; tasks_automated: number; tasks_human: number; error?: string }): Promise<void>;
}

export interface TaskActivities {
  createTaskRow(task: TaskInput): Promise<{ status: 'open' | 'done' }>;
  performTask(task: TaskInput): Promise<JsonValue>;
  completeTaskRow(input: { runWorkflowId: string; key: string; result: JsonValue }): Promise<void>;
}

const db = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '2 seconds', nonRetryableErrorTypes: ['DefinitionNotFound'] },
});

const taskDb = proxyActivities<TaskActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '2 seconds' },
});

const work = proxyActivities<TaskActivities>({
  // Heartbeats let a task whose worker died be retried after 3 s, not after its whole timeout.
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '3 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '2 seconds' },
});

/** The schedules' catchup window (schedules.js): a scheduled time older than this never starts late. */
const CATCHUP_WINDOW_MS = 60_000;

/** The server names a scheduled run `<action workflow id>-<scheduled time, RFC 3339>`. */
function fireTimeOf(workflowId: string): string | undefined {
  return /-(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))$/.exec(workflowId)?.[1];
}

/**
 * One run of a definition: load it, resolve its context, plan its tasks, run one child workflow
 * per task on the task-execution queue, log the run. Each child's id is `<run id>/<task key>`, so a
 * replayed fan-out finds the children it already started instead of starting them again.
 */
export async function runDefinition(input: RunInput): Promise<RunSummary> {
  const { workflowId, runId, startTime } = workflowInfo();
  const fireTime = input.source === 'schedule' ? fireTimeOf(workflowId) : undefined;
  const started = {
    workflow_id: workflowId,
    run_id: runId,
    definition_id: input.definitionId,
    source: input.source,
    fire_time: fireTime,
    dedupe_key: input.event?.dedupeKey,
  };
  let definition: Definition;
  try {
    definition = await db.loadDefinition(input.definitionId);
  } catch (err) {
    await db.logRunStarted({ ...started, definition_version: null });
    await db.logRunFinished({ workflow_id: workflowId, status: 'failed', tasks_planned: 0, tasks_automated: 0, tasks_human: 0, error: `definition ${input.definitionId} not found` });
    throw err;
  }
  // The server starts a due time within the catchup window (plus jitter); a run that started later
  // than that can only come from a backfill.
  const late = fireTime !== undefined && startTime.getTime() - Date.parse(fireTime) > CATCHUP_WINDOW_MS + definition.jitter_ms;
  await db.logRunStarted({ ...started, source: late ? 'backfill' : input.source, definition_version: definition.version });

  const context = await db.resolveContext({ definition, source: input.source, fireTime, event: input.event });
  let tasks: PlannedTask[];
  try {
    tasks = planTasks(definition.task_templates, context);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await db.logRunFinished({ workflow_id: workflowId, status: 'failed', tasks_planned: 0, tasks_automated: 0, tasks_human: 0, error: message });
    throw ApplicationFailure.nonRetryable(message, 'TemplateError');
  }

  const outcomes = await Promise.allSettled(
    tasks.map((task) =>
      executeChild(executeTask, {
        workflowId: `${workflowId}/${task.key}`,
        taskQueue: input.taskQueue,
        args: [{ ...task, runWorkflowId: workflowId, definitionId: definition.id }],
      }),
    ),
  );
  const failed = outcomes.filter((o) => o.status === 'rejected').length;
  const summary = {
    workflow_id: workflowId,
    tasks_planned: tasks.length,
    tasks_automated: tasks.filter((t) => t.kind === 'automated').length,
    tasks_human: tasks.filter((t) => t.kind === 'human').length,
  };
  if (failed > 0) {
    const error = `${failed} of ${tasks.length} tasks failed`;
    await db.logRunFinished({ ...summary, status: 'failed', error });
    throw ApplicationFailure.nonRetryable(error, 'TasksFailed');
  }
  await db.logRunFinished({ ...summary, status: 'completed' });
  return { workflowId, definitionId: definition.id, definitionVersion: definition.version, tasks: tasks.length, automated: summary.tasks_automated, human: summary.tasks_human };
}

/**
 * One task: its row first (a human task is only that: a row for a person to pick up), then, for an
 * automated task, the work and the row marked done. Each step is idempotent on (run, task key).
 */
export async function executeTask(task: TaskInput): Promise<TaskOutcome> {
  const row = await taskDb.createTaskRow(task);
  if (task.kind === 'human' || row.status === 'done') return { key: task.key, status: row.status };
  const result = await work.performTask(task);
  await taskDb.completeTaskRow({ runWorkflowId: task.runWorkflowId, key: task.key, result });
  return { key: task.key, status: 'done' };
}
