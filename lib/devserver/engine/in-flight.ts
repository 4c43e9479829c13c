/**
 * Whether the dev server has work in flight, in the sense of the official test server: a workflow
 * task scheduled or running, or an activity queued or running. A time-skipping clock only jumps
 * while there is none, so virtual time never moves under a worker's feet. An activity waiting out its
 * retry backoff, a timer, or a run whose first task is held back is not in flight: those are what
 * the clock jumps to.
 */
import type { Engine } from './engine';

export function hasWorkInFlight(engine: Engine): boolean {
  for (const exec of engine.executions.values()) {
    if (!exec.isOpen) continue;
    if (exec.rec.wft) return true;
    for (const act of Object.values(exec.rec.activities)) if (act.state !== 'backoff') return true;
  }
  return false;
}
