/**
 * The shutdown state machine of one Neon worker.
 *
 * The Rust core aborts the process on a worker call after finalize and hangs (or refuses) a
 * finalize while a poller is undrained or an operation still holds the worker. This object is the
 * single place that decides whether a call may reach the core, so those states are unreachable.
 */
import { WorkerStateError } from '../errors';

export type PollKind = 'workflow' | 'activity';
export type WorkerPhase = 'running' | 'shuttingDown' | 'finalizing' | 'finalized';

const POLL_NAMES: Record<PollKind, string> = { workflow: 'workflow activations', activity: 'activity tasks' };

export class WorkerLifecycle {
  private phaseValue: WorkerPhase = 'running';
  private readonly drained = new Set<PollKind>();
  private readonly pollsInFlight: Record<PollKind, number> = { workflow: 0, activity: 0 };
  private operationsInFlight = 0;

  constructor(private readonly enabled: ReadonlySet<PollKind>) {}

  get phase(): WorkerPhase {
    return this.phaseValue;
  }

  /** Throws unless the worker may still talk to the core (before finalize). */
  assertUsable(call: string): void {
    if (this.phaseValue === 'finalizing' || this.phaseValue === 'finalized') {
      throw new WorkerStateError(`${call}: the worker is ${this.phaseValue}; no further calls are allowed`);
    }
  }

  /**
   * Registers a poll about to be sent. Returns `false` when the poller already reported shutdown,
   * in which case the caller answers `null` without asking the core again.
   */
  beginPoll(kind: PollKind, call: string): boolean {
    this.assertUsable(call);
    if (!this.enabled.has(kind)) {
      throw new WorkerStateError(`${call}: ${POLL_NAMES[kind]} are not enabled on this worker`);
    }
    if (this.drained.has(kind)) return false;
    this.pollsInFlight[kind] += 1;
    return true;
  }

  /** Records the end of a poll; `shutDown` when the core answered that the poller is done. */
  endPoll(kind: PollKind, shutDown: boolean): void {
    this.pollsInFlight[kind] -= 1;
    if (shutDown) this.drained.add(kind);
  }

  /** Registers a non-poll operation (completion, validate) that holds the core worker while it runs. */
  beginOperation(call: string): void {
    this.assertUsable(call);
    this.operationsInFlight += 1;
  }

  endOperation(): void {
    this.operationsInFlight -= 1;
  }

  /** Moves to shutting down; idempotent until finalize starts. */
  initiateShutdown(): boolean {
    this.assertUsable('initiateShutdown');
    if (this.phaseValue === 'shuttingDown') return false;
    this.phaseValue = 'shuttingDown';
    return true;
  }

  /** Enters finalizing, or throws naming what is still outstanding. */
  beginFinalize(): void {
    this.assertUsable('finalizeShutdown');
    if (this.phaseValue !== 'shuttingDown') {
      throw new WorkerStateError('finalizeShutdown: call initiateShutdown first');
    }
    const outstanding: string[] = [];
    for (const kind of this.enabled) {
      if (!this.drained.has(kind)) outstanding.push(`poll ${POLL_NAMES[kind]} until it returns null`);
    }
    for (const kind of ['workflow', 'activity'] as const) {
      const n = this.pollsInFlight[kind];
      if (n > 0) outstanding.push(`${n} poll(s) for ${POLL_NAMES[kind]} in flight`);
    }
    if (this.operationsInFlight > 0) outstanding.push(`${this.operationsInFlight} completion(s) or validate(s) in flight`);
    if (outstanding.length > 0) {
      throw new WorkerStateError(`finalizeShutdown: not drained yet: ${outstanding.join('; ')}`);
    }
    this.phaseValue = 'finalizing';
  }

  /** The core's worker is gone after a finalize attempt, whether or not it succeeded. */
  endFinalize(): void {
    this.phaseValue = 'finalized';
  }
}
