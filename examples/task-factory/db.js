'use strict';
// The app database: definitions, the run log and the tasks runs create. One better-sqlite3
// connection per process; every multi-statement write is one transaction, so a failed request or a
// killed process never leaves half a definition or half a task behind.
const Database = require('better-sqlite3');

const SCHEMA = `
CREATE TABLE IF NOT EXISTS activity_definitions (
  id                  TEXT PRIMARY KEY,
  name                TEXT NOT NULL,
  enabled             INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  paused              INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
  pause_note          TEXT,
  trigger             TEXT NOT NULL,             -- JSON {type:'cron',cron} | {type:'event',event_type}
  event_type          TEXT,                      -- copy of trigger.event_type, indexed for ingress
  timezone            TEXT NOT NULL,
  jitter_ms           INTEGER NOT NULL,
  context_sources     TEXT NOT NULL,             -- JSON array
  task_templates      TEXT NOT NULL,             -- JSON array
  dedupe_key_strategy TEXT NOT NULL,             -- JSON object
  version             INTEGER NOT NULL,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS activity_definitions_event_type ON activity_definitions (event_type);

CREATE TABLE IF NOT EXISTS activity_runs (
  workflow_id        TEXT PRIMARY KEY,           -- one row per run, whatever retried the log call
  run_id             TEXT NOT NULL,
  definition_id      TEXT NOT NULL,
  definition_version INTEGER,
  source             TEXT NOT NULL,              -- schedule | backfill | event | manual
  fire_time          TEXT,                       -- the scheduled (or backfilled) time, for schedule runs
  dedupe_key         TEXT,                       -- for event runs
  status             TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  tasks_planned      INTEGER,
  tasks_automated    INTEGER,
  tasks_human        INTEGER,
  error              TEXT,
  started_at         TEXT NOT NULL,
  finished_at        TEXT
);
CREATE INDEX IF NOT EXISTS activity_runs_definition ON activity_runs (definition_id);

CREATE TABLE IF NOT EXISTS tasks (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  run_workflow_id TEXT NOT NULL,
  task_key        TEXT NOT NULL,
  definition_id   TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('automated', 'human')),
  title           TEXT NOT NULL,
  assignee        TEXT,
  params          TEXT NOT NULL,                 -- JSON object
  status          TEXT NOT NULL CHECK (status IN ('open', 'done')),
  result          TEXT,                          -- JSON
  attempts        INTEGER NOT NULL DEFAULT 1,    -- how many times the task's creation was attempted
  created_at      TEXT NOT NULL,
  completed_at    TEXT,
  UNIQUE (run_workflow_id, task_key)             -- what makes a retried or replayed fan-out exactly-once
);
`;

const now = () => new Date().toISOString();

function definitionFromRow(row) {
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled === 1,
    paused: row.paused === 1,
    pause_note: row.pause_note ?? undefined,
    trigger: JSON.parse(row.trigger),
    timezone: row.timezone,
    jitter_ms: row.jitter_ms,
    context_sources: JSON.parse(row.context_sources),
    task_templates: JSON.parse(row.task_templates),
    dedupe_key_strategy: JSON.parse(row.dedupe_key_strategy),
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function definitionParams(def) {
  return {
    id: def.id,
    name: def.name,
    enabled: def.enabled ? 1 : 0,
    paused: def.paused ? 1 : 0,
    pause_note: def.pause_note ?? null,
    trigger: JSON.stringify(def.trigger),
    event_type: def.trigger.type === 'event' ? def.trigger.event_type : null,
    timezone: def.timezone,
    jitter_ms: def.jitter_ms,
    context_sources: JSON.stringify(def.context_sources),
    task_templates: JSON.stringify(def.task_templates),
    dedupe_key_strategy: JSON.stringify(def.dedupe_key_strategy),
    version: def.version,
    created_at: def.created_at,
    updated_at: def.updated_at,
  };
}

function taskFromRow(row) {
  return {
    id: row.id,
    run_workflow_id: row.run_workflow_id,
    task_key: row.task_key,
    definition_id: row.definition_id,
    kind: row.kind,
    title: row.title,
    assignee: row.assignee ?? undefined,
    params: JSON.parse(row.params),
    status: row.status,
    result: row.result === null ? undefined : JSON.parse(row.result),
    attempts: row.attempts,
    created_at: row.created_at,
    completed_at: row.completed_at ?? undefined,
  };
}

/** Opens (and creates if needed) the app database at `file` and returns its queries. */
function openAppDb(file) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);

  const statements = {
    getDefinition: db.prepare('SELECT * FROM activity_definitions WHERE id = ?'),
    listDefinitions: db.prepare('SELECT * FROM activity_definitions ORDER BY id'),
    definitionsForEvent: db.prepare('SELECT * FROM activity_definitions WHERE event_type = ? ORDER BY id'),
    insertDefinition: db.prepare(`INSERT INTO activity_definitions
      (id, name, enabled, paused, pause_note, trigger, event_type, timezone, jitter_ms, context_sources, task_templates, dedupe_key_strategy, version, created_at, updated_at)
      VALUES (@id, @name, @enabled, @paused, @pause_note, @trigger, @event_type, @timezone, @jitter_ms, @context_sources, @task_templates, @dedupe_key_strategy, @version, @created_at, @updated_at)`),
    replaceDefinition: db.prepare(`UPDATE activity_definitions SET
      name = @name, enabled = @enabled, paused = @paused, pause_note = @pause_note, trigger = @trigger, event_type = @event_type,
      timezone = @timezone, jitter_ms = @jitter_ms, context_sources = @context_sources, task_templates = @task_templates,
      dedupe_key_strategy = @dedupe_key_strategy, version = @version, created_at = @created_at, updated_at = @updated_at
      WHERE id = @id`),
    deleteDefinition: db.prepare('DELETE FROM activity_definitions WHERE id = ?'),
    upsertRunStart: db.prepare(`INSERT INTO activity_runs
      (workflow_id, run_id, definition_id, definition_version, source, fire_time, dedupe_key, status, started_at)
      VALUES (@workflow_id, @run_id, @definition_id, @definition_version, @source, @fire_time, @dedupe_key, 'running', @started_at)
      ON CONFLICT (workflow_id) DO UPDATE SET definition_version = excluded.definition_version`),
    finishRun: db.prepare(`UPDATE activity_runs SET status = @status, tasks_planned = @tasks_planned, tasks_automated = @tasks_automated,
      tasks_human = @tasks_human, error = @error, finished_at = @finished_at WHERE workflow_id = @workflow_id`),
    getRun: db.prepare('SELECT * FROM activity_runs WHERE workflow_id = ?'),
    listRuns: db.prepare('SELECT * FROM activity_runs ORDER BY definition_id, COALESCE(fire_time, started_at), workflow_id'),
    listRunsOf: db.prepare('SELECT * FROM activity_runs WHERE definition_id = ? ORDER BY COALESCE(fire_time, started_at), workflow_id'),
    insertTask: db.prepare(`INSERT INTO tasks (run_workflow_id, task_key, definition_id, kind, title, assignee, params, status, created_at)
      VALUES (@run_workflow_id, @task_key, @definition_id, @kind, @title, @assignee, @params, 'open', @created_at)
      ON CONFLICT (run_workflow_id, task_key) DO UPDATE SET attempts = attempts + 1`),
    getTask: db.prepare('SELECT * FROM tasks WHERE run_workflow_id = ? AND task_key = ?'),
    getTaskById: db.prepare('SELECT * FROM tasks WHERE id = ?'),
    completeTask: db.prepare(`UPDATE tasks SET status = 'done', result = @result, completed_at = @completed_at
      WHERE run_workflow_id = @run_workflow_id AND task_key = @task_key AND status = 'open'`),
    completeTaskById: db.prepare(`UPDATE tasks SET status = 'done', result = @result, completed_at = @completed_at WHERE id = @id AND status = 'open'`),
    listTasks: db.prepare(`SELECT * FROM tasks WHERE (@run IS NULL OR run_workflow_id = @run) AND (@status IS NULL OR status = @status)
      AND (@kind IS NULL OR kind = @kind) AND (@definition IS NULL OR definition_id = @definition) ORDER BY id`),
  };

  return {
    close: () => db.close(),
    getDefinition: (id) => definitionFromRow(statements.getDefinition.get(id)),
    listDefinitions: () => statements.listDefinitions.all().map(definitionFromRow),
    definitionsForEvent: (eventType) => statements.definitionsForEvent.all(eventType).map(definitionFromRow),
    insertDefinition: (def) => void statements.insertDefinition.run(definitionParams(def)),
    replaceDefinition: (def) => {
      const { changes } = statements.replaceDefinition.run(definitionParams(def));
      if (changes !== 1) throw new Error(`definition ${def.id} is gone`);
    },
    deleteDefinition: (id) => statements.deleteDefinition.run(id).changes === 1,

    /** Idempotent: a retried or replayed log call leaves one row. */
    recordRunStarted: (run) => {
      statements.upsertRunStart.run({ fire_time: null, dedupe_key: null, definition_version: null, ...run, started_at: now() });
    },
    recordRunFinished: (run) => {
      statements.finishRun.run({ error: null, ...run, finished_at: now() });
    },
    getRun: (workflowId) => statements.getRun.get(workflowId),
    listRuns: (definitionId) => (definitionId ? statements.listRunsOf.all(definitionId) : statements.listRuns.all()),

    /** Creates the task's row, or finds the one an earlier attempt made; returns it either way. */
    createTask: db.transaction((task) => {
      statements.insertTask.run({
        run_workflow_id: task.run_workflow_id,
        task_key: task.task_key,
        definition_id: task.definition_id,
        kind: task.kind,
        title: task.title,
        assignee: task.assignee ?? null,
        params: JSON.stringify(task.params ?? {}),
        created_at: now(),
      });
      return taskFromRow(statements.getTask.get(task.run_workflow_id, task.task_key));
    }),
    completeTask: (runWorkflowId, taskKey, result) => {
      statements.completeTask.run({ run_workflow_id: runWorkflowId, task_key: taskKey, result: JSON.stringify(result ?? null), completed_at: now() });
      return taskFromRow(statements.getTask.get(runWorkflowId, taskKey));
    },
    completeTaskById: (id, result) => {
      const { changes } = statements.completeTaskById.run({ id, result: JSON.stringify(result ?? null), completed_at: now() });
      const row = statements.getTaskById.get(id);
      return row ? { task: taskFromRow(row), changed: changes === 1 } : undefined;
    },
    listTasks: (filter = {}) =>
      statements.listTasks
        .all({ run: filter.run ?? null, status: filter.status ?? null, kind: filter.kind ?? null, definition: filter.definition ?? null })
        .map(taskFromRow),
  };
}

module.exports = { openAppDb };
