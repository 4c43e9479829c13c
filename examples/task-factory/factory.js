'use strict';
// The service's operations, independent of HTTP: definitions kept in step with their schedules,
// manual actions, and event ingress. Writes go schedule first, database second, and a failed second
// step undoes the first, so a refused or failed request leaves both as they were.
const { WorkflowExecutionAlreadyStartedError } = require('temporal-native');
const { InputError, parseDefinition, parseEvent, dedupeKey, dedupeKeyForId } = require('./definitions');

class NotFoundError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The request is well-formed but the definition's state does not allow it. */
class ConflictError extends Error {
  constructor(field, message) {
    super(message);
    this.name = 'ConflictError';
    this.field = field;
  }
}

const MAX_BACKFILL_MS = 31 * 24 * 3_600_000;

class TaskFactory {
  constructor({ client, repo, sync, queues, log }) {
    this.client = client;
    this.repo = repo;
    this.sync = sync;
    this.queues = queues;
    this.log = log;
    this.tail = Promise.resolve();
  }

  /** Admin changes run one at a time: each is a read, a schedule call and a write that must not interleave. */
  serial(fn) {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  get(id) {
    const def = this.repo.getDefinition(id);
    if (!def) throw new NotFoundError(`definition ${id} does not exist`);
    return def;
  }

  /** Applies `next` to the schedule, then writes it; if the write fails, puts the schedule back to `previous`. */
  async commit(id, previous, next, write) {
    await this.sync.apply(id, next).catch(async (err) => {
      await this.restore(id, previous);
      throw err;
    });
    try {
      write();
    } catch (err) {
      await this.restore(id, previous);
      throw err;
    }
  }

  async restore(id, previous) {
    await this.sync.apply(id, previous).catch((err) => this.log(`could not restore the schedule of ${id}: ${err.message}; the next start reconciles it`));
  }

  createDefinition(body) {
    return this.serial(async () => {
      const { definition, expectedVersion } = parseDefinition(body);
      if (expectedVersion !== undefined) throw new InputError('version', 'is set by the service: 1 on create, one more on each update');
      if (this.repo.getDefinition(definition.id)) throw new ConflictError('id', `definition ${definition.id} already exists`);
      const stamp = new Date().toISOString();
      const def = { ...definition, paused: false, pause_note: undefined, version: 1, created_at: stamp, updated_at: stamp };
      await this.commit(def.id, undefined, def, () => this.repo.insertDefinition(def));
      return this.get(def.id);
    });
  }

  /** A full replacement; `version` in the body, if given, must be the current one (optimistic locking). */
  updateDefinition(id, body) {
    return this.serial(async () => {
      const previous = this.get(id);
      const { definition, expectedVersion } = parseDefinition(body, { id });
      if (expectedVersion !== undefined && expectedVersion !== previous.version) {
        throw new ConflictError('version', `definition ${id} is at version ${previous.version}, not ${expectedVersion}`);
      }
      const next = { ...definition, paused: previous.paused, pause_note: previous.pause_note, version: previous.version + 1, created_at: previous.created_at, updated_at: new Date().toISOString() };
      await this.commit(id, previous, next, () => this.repo.replaceDefinition(next));
      return this.get(id);
    });
  }

  deleteDefinition(id) {
    return this.serial(async () => {
      const previous = this.get(id);
      await this.commit(id, previous, undefined, () => this.repo.deleteDefinition(id));
    });
  }

  setPaused(id, paused, note) {
    return this.serial(async () => {
      const previous = this.get(id);
      if (note !== undefined && typeof note !== 'string') throw new InputError('note', 'must be a string');
      const next = { ...previous, paused, pause_note: paused ? note || 'paused by an admin' : undefined, updated_at: new Date().toISOString() };
      await this.commit(id, previous, next, () => this.repo.replaceDefinition(next));
      return this.get(id);
    });
  }

  requireRunnable(def) {
    if (!def.enabled) throw new ConflictError('enabled', `definition ${def.id} is disabled`);
    if (def.paused) throw new ConflictError('paused', `definition ${def.id} is paused`);
  }

  /** Runs a definition now, through its schedule (an event definition's run is logged as manual). */
  async trigger(id) {
    const def = this.get(id);
    this.requireRunnable(def);
    await this.sync.trigger(id);
    return { definitionId: id, via: 'schedule', scheduleId: this.sync.scheduleId(id) };
  }

  /** Runs every time the cron line matched in [start, end), as if the schedule had run then. */
  async backfill(id, body) {
    const def = this.get(id);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InputError('(body)', 'must be an object');
    for (const key of Object.keys(body)) if (key !== 'start' && key !== 'end') throw new InputError(key, 'is not a known field (known: start, end)');
    const start = parseInstant(body.start, 'start');
    const end = parseInstant(body.end, 'end');
    if (end.getTime() <= start.getTime()) throw new InputError('end', 'must be after start');
    if (end.getTime() - start.getTime() > MAX_BACKFILL_MS) throw new InputError('end', 'must be at most 31 days after start');
    if (def.trigger.type !== 'cron') throw new ConflictError('trigger.type', `definition ${id} has no times to backfill (its trigger is an event)`);
    if (!def.enabled) throw new ConflictError('enabled', `definition ${id} is disabled`);
    await this.sync.backfill(id, start, end);
    return { definitionId: id, start: start.toISOString(), end: end.toISOString() };
  }

  /**
   * Starts one run per enabled definition listening to the event's type. The workflow id is
   * `<app>-event-<definition>-<dedupe key>`, started with the reuse policy REJECT_DUPLICATE (and
   * the default conflict policy FAIL): a second event with the same key, while the first run is
   * open or after it closed, is refused by the server and reported as a duplicate.
   */
  async ingestEvent(body) {
    const event = parseEvent(body);
    const planned = [];
    // Every key first: an event that one definition cannot key starts nothing at all.
    for (const def of this.repo.definitionsForEvent(event.type)) {
      if (!def.enabled || def.paused) {
        planned.push({ def, skipped: def.enabled ? 'paused' : 'disabled' });
        continue;
      }
      const key = dedupeKey(def.dedupe_key_strategy, event);
      planned.push({ def, key, workflowId: `${this.sync.app}-event-${def.id}-${dedupeKeyForId(key)}` });
    }
    const results = [];
    for (const { def, key, workflowId, skipped } of planned) {
      if (skipped) {
        results.push({ definitionId: def.id, status: 'skipped', reason: `definition is ${skipped}` });
        continue;
      }
      // The run log outlives the server's retention of closed workflows; it catches old duplicates.
      if (this.repo.getRun(workflowId)) {
        results.push({ definitionId: def.id, status: 'duplicate', workflowId, dedupeKey: key });
        continue;
      }
      try {
        const handle = await this.client.workflow.start('runDefinition', {
          taskQueue: this.queues.orchestrator,
          workflowId,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'FAIL',
          args: [{ definitionId: def.id, version: def.version, source: 'event', taskQueue: this.queues.tasks, event: { type: event.type, id: event.id, payload: event.payload, dedupeKey: key } }],
        });
        results.push({ definitionId: def.id, status: 'started', workflowId, runId: handle.firstExecutionRunId, dedupeKey: key });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        results.push({ definitionId: def.id, status: 'duplicate', workflowId, dedupeKey: key });
      }
    }
    return { type: event.type, results };
  }

  /** What a definition's schedule looks like now, next to the definition (for admins and tests). */
  async schedule(id) {
    const def = this.get(id);
    return { definitionId: id, version: def.version, expected: this.sync.pausedState(def), schedule: (await this.sync.describe(id)) ?? null };
  }

  /** Brings every schedule in line with the database: run at start, it repairs what a crash between two writes left. */
  reconcile() {
    return this.serial(async () => {
      const defs = this.repo.listDefinitions();
      for (const def of defs) await this.sync.apply(def.id, def);
      const orphans = await this.sync.orphans(new Set(defs.map((d) => d.id)));
      for (const id of orphans) await this.sync.apply(id, undefined);
      return { definitions: defs.length, orphansDeleted: orphans.length };
    });
  }
}

function parseInstant(value, field) {
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT/.test(value)) throw new InputError(field, 'must be an ISO 8601 date-time, e.g. 2026-03-01T00:00:00Z');
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InputError(field, `'${value}' is not a valid date-time`);
  return date;
}

module.exports = { TaskFactory, NotFoundError, ConflictError };
