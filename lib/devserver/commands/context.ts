/**
 * What every command handler gets: the run, the id of the WorkflowTaskCompleted event its events must
 * reference, and a list of follow-up actions that must run only after the completing workflow task is
 * closed and buffered events are flushed (starting children, signalling other workflows).
 */
import type { Engine } from '../engine/engine';
import type { Execution } from '../engine/execution';

export interface CommandContext {
  readonly engine: Engine;
  readonly exec: Execution;
  readonly wftCompletedEventId: number;
  readonly identity: string;
  /** The instant the completion is applied: timers started by one completion share it. */
  readonly now: number;
  readonly deferred: Array<() => void>;
  /** Set by a command that closes the run; later commands are ignored. */
  closed: boolean;
  /**
   * Set when a not-started activity was cancelled by this completion: its ActivityTaskCanceled is
   * already in history, so the workflow needs a new task to see it (if the run stays open).
   */
  activityNotStartedCancelled?: boolean;
}

/** A command the server rejects: the workflow task fails with `cause` and the worker gets INVALID_ARGUMENT. */
export class BadCommandError extends Error {
  constructor(
    readonly failureCause: number,
    message: string,
  ) {
    super(message);
    this.name = 'BadCommandError';
  }
}
