'use strict';
// Keeps one Temporal schedule per definition in step with the definition: same cron line, time zone
// and jitter, the definition's version in the action's arguments, and paused exactly when the
// definition is disabled or paused. An event definition's schedule has an empty spec: it never acts
// by itself (events start their runs, with ids keyed by the event), only when an admin triggers it,
// and it shows the definition and its state in Temporal's schedule list like any other.
const { ScheduleAlreadyRunning, ScheduleNotFoundError, ServiceError, InvalidOptionError } = require('temporal-native');
const { InputError } = require('./definitions');

const OVERLAP = 'SKIP'; // a run still fanning out when the next time comes: that time is skipped
const CATCHUP_WINDOW = '1 minute'; // after an outage, a missed time older than this is dropped (backfill it instead)

/** The server's or the client's refusal of a spec, as a 400 naming the definition's field. */
function specRefusal(err) {
  const text = err instanceof Error ? err.message : String(err);
  if (err instanceof InvalidOptionError || (err instanceof ServiceError && err.codeName === 'INVALID_ARGUMENT')) {
    const field = /time ?zone/i.test(text) ? 'timezone' : /jitter/i.test(text) ? 'jitter' : 'trigger.cron';
    return new InputError(field, `refused by the Temporal schedule: ${text}`);
  }
  return undefined;
}

class ScheduleSync {
  /** `app` prefixes schedule and workflow ids; `queues` are the orchestrator and task queues. */
  constructor(client, { app, queues }) {
    this.client = client;
    this.app = app;
    this.queues = queues;
  }

  scheduleId(definitionId) {
    return `${this.app}-def-${definitionId}`;
  }

  /** The prefix of the workflow ids a definition's schedule starts (the server appends the time). */
  runWorkflowId(definitionId) {
    return `${this.app}-run-${definitionId}`;
  }

  handle(definitionId) {
    return this.client.schedule.getHandle(this.scheduleId(definitionId));
  }

  pausedState(def) {
    if (!def.enabled) return { paused: true, note: 'definition disabled' };
    if (def.paused) return { paused: true, note: def.pause_note ?? 'paused' };
    return { paused: false, note: 'definition enabled' };
  }

  definitionParts(def) {
    const cron = def.trigger.type === 'cron';
    return {
      spec: { ...(cron && { cronExpressions: [def.trigger.cron] }), timezone: def.timezone, jitter: def.jitter_ms },
      action: {
        type: 'startWorkflow',
        workflowType: 'runDefinition',
        taskQueue: this.queues.orchestrator,
        workflowId: this.runWorkflowId(def.id),
        // Every action of an event definition's schedule is an admin's trigger, hence "manual".
        args: [{ definitionId: def.id, version: def.version, source: cron ? 'schedule' : 'manual', taskQueue: this.queues.tasks }],
      },
      policies: { overlap: OVERLAP, catchupWindow: CATCHUP_WINDOW },
    };
  }

  /**
   * Makes the schedule match `def` (undefined: no schedule), whatever it was before: creates,
   * updates, pauses, unpauses or deletes. A refused spec throws an InputError naming the field.
   */
  async apply(definitionId, def) {
    try {
      if (def === undefined) {
        await this.handle(definitionId)
          .delete()
          .catch((err) => {
            if (!(err instanceof ScheduleNotFoundError)) throw err;
          });
        return;
      }
      const parts = this.definitionParts(def);
      const state = this.pausedState(def);
      try {
        await this.client.schedule.create({ scheduleId: this.scheduleId(def.id), ...parts, state });
        return;
      } catch (err) {
        if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      }
      const handle = this.handle(def.id);
      await handle.update((previous) => ({ ...parts, state: { ...previous.state } }));
      // Pause and unpause are their own calls so the note says why, on every server alike.
      const { state: current } = await handle.describe();
      if (current.paused !== state.paused || current.note !== state.note) {
        if (state.paused) await handle.pause(state.note);
        else await handle.unpause(state.note);
      }
    } catch (err) {
      throw specRefusal(err) ?? err;
    }
  }

  /** What the schedule of a definition looks like now (undefined when it has none). */
  async describe(definitionId) {
    try {
      const d = await this.handle(definitionId).describe();
      return {
        scheduleId: d.scheduleId,
        paused: d.state.paused,
        note: d.state.note,
        timezone: d.spec.timezone,
        jitterMs: d.spec.jitter ?? 0,
        calendars: d.spec.calendars?.length ?? 0,
        intervals: d.spec.intervals?.length ?? 0,
        actionArgs: d.action.args,
        actionsTaken: d.info.numActionsTaken,
        nextActionTimes: d.info.nextActionTimes.map((t) => t.toISOString()),
      };
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return undefined;
      throw err;
    }
  }

  async trigger(definitionId) {
    await this.handle(definitionId).trigger('ALLOW_ALL');
  }

  async backfill(definitionId, start, end) {
    // ALLOW_ALL: every missed time in the window runs, even while another run is still fanning out.
    await this.handle(definitionId).backfill({ start, end, overlap: 'ALLOW_ALL' });
  }

  /** Schedules of this app whose definition is gone (left by a crash between the two writes). */
  async orphans(definitionIds) {
    const prefix = `${this.app}-def-`;
    const found = [];
    for await (const s of this.client.schedule.list()) {
      if (s.scheduleId.startsWith(prefix) && !definitionIds.has(s.scheduleId.slice(prefix.length))) found.push(s.scheduleId.slice(prefix.length));
    }
    return found;
  }
}

module.exports = { ScheduleSync };
