/**
 * Derives every deadline a run needs from its record: workflow-task timeouts, the held-back first
 * task, user timers, activity timeouts and retries, and the run / execution timeouts. Each deadline
 * fires inside a transaction and re-checks that it still applies.
 */
import type { Deadline } from '../clock';
import { EventType } from '../proto';
import { activityDeadlines, onActivityDeadline } from './activities';
import type { Engine } from './engine';
import type { Execution } from './execution';
import { timeOutRun } from './lifecycle';
import { retentionDeadline } from './retention';
import { onWorkflowTaskScheduleToStart, onWorkflowTaskStartToClose } from './wft';

function fire(engine: Engine, exec: Execution, action: () => void): () => void {
  return () => {
    try {
      engine.transact(() => {
        if (engine.executions.get(exec.key) !== exec) return;
        action();
      });
    } catch (err) {
      engine.log(`dev server: deadline handler failed: ${err instanceof Error ? err.stack : String(err)}`);
    }
  };
}

/**
 * Fires timer `timerId` and, like the real server, every other timer of the run that is due by now,
 * in (fire time, started event id) order, in one batch: all TimerFired events come before the one
 * workflow task they wake.
 */
function fireTimer(engine: Engine, exec: Execution, timerId: string, at: number): void {
  const timer = exec.rec.timers[timerId];
  if (!exec.isOpen || !timer || timer.fireAt !== at) return;
  engine.touch(exec);
  const now = Math.max(engine.clock.now(), at);
  const due = Object.values(exec.rec.timers)
    .filter((t) => t.fireAt <= now)
    .sort((a, b) => a.fireAt - b.fireAt || a.startedEventId - b.startedEventId);
  for (const t of due) {
    delete exec.rec.timers[t.timerId];
    const attrs = { timerFiredEventAttributes: { timerId: t.timerId, startedEventId: t.startedEventId } };
    if (exec.wftStarted) engine.deliver(exec, EventType.EVENT_TYPE_TIMER_FIRED, attrs);
    else engine.append(exec, EventType.EVENT_TYPE_TIMER_FIRED, attrs);
  }
  engine.ensureWorkflowTask(exec);
}

export function runDeadlines(engine: Engine, exec: Execution): Map<string, Deadline> {
  const out = new Map<string, Deadline>();
  const rec = exec.rec;
  if (!exec.isOpen) {
    const retention = retentionDeadline(engine, exec);
    if (retention) out.set('retention', retention);
    return out;
  }
  const wft = rec.wft;
  if (wft && wft.startedEventId > 0 && wft.startToCloseDeadline > 0) {
    const at = wft.startToCloseDeadline;
    out.set('wft-start-to-close', { at, fire: fire(engine, exec, () => onWorkflowTaskStartToClose(engine, exec, at)) });
  }
  if (wft && wft.startedEventId === 0 && wft.scheduleToStartDeadline > 0) {
    const at = wft.scheduleToStartDeadline;
    out.set('wft-schedule-to-start', { at, fire: fire(engine, exec, () => onWorkflowTaskScheduleToStart(engine, exec, at)) });
  }
  if (!wft && rec.firstTaskAt > 0) {
    const at = rec.firstTaskAt;
    out.set('first-task', {
      at,
      fire: fire(engine, exec, () => {
        if (exec.isOpen && !exec.rec.wft && exec.rec.firstTaskAt === at) {
          engine.touch(exec);
          exec.rec.firstTaskAt = 0;
          engine.ensureWorkflowTask(exec);
        }
      }),
    });
  }
  for (const timer of Object.values(rec.timers)) {
    const at = timer.fireAt;
    out.set(`timer:${timer.timerId}`, { at, fire: fire(engine, exec, () => fireTimer(engine, exec, timer.timerId, at)) });
  }
  for (const act of Object.values(rec.activities)) {
    for (const [which, at] of activityDeadlines(act)) {
      const id = act.scheduledEventId;
      out.set(`activity:${id}:${which}`, { at, fire: fire(engine, exec, () => onActivityDeadline(engine, exec, id, which, at)) });
    }
  }
  const deadlines = [rec.runDeadline, rec.executionDeadline].filter((d) => d > 0);
  if (deadlines.length > 0) {
    const at = Math.min(...deadlines);
    out.set('run-timeout', {
      at,
      fire: fire(engine, exec, () => {
        if (exec.isOpen) timeOutRun(engine, exec);
      }),
    });
  }
  return out;
}
