/**
 * A handle to one workflow update: its id, the run it was delivered to, and its eventual result.
 */
import type { temporal } from '@temporalio/proto';
import type { LoadedDataConverter } from '../converter/types';
import { updateStage } from './enums';
import { WorkflowUpdateFailedError } from './errors';
import type { WorkflowService } from './workflow-service';

/**
 * @example
 * ```ts
 * const update = await handle.startUpdate(addItem, { args: ['apple'], waitForStage: 'ACCEPTED' });
 * console.log(update.updateId, update.workflowRunId);
 * const total = await update.result();
 * ```
 */
export interface WorkflowUpdateHandle<R = unknown> {
  readonly updateId: string;
  readonly workflowId: string;
  /** The run the update was delivered to; `undefined` for handles made without it. */
  readonly workflowRunId: string | undefined;
  /**
   * Waits for the update to complete. Resolves to the handler's return value; rejects with
   * `WorkflowUpdateFailedError` when the validator rejected it or the handler threw.
   */
  result(): Promise<R>;
}

/** What an update handle needs from its client. */
export interface UpdateHandleDeps {
  service: WorkflowService;
  namespace: string;
  identity: string;
  dataConverter: LoadedDataConverter;
}

export class WorkflowUpdateHandleImpl<R> implements WorkflowUpdateHandle<R> {
  private outcome: Promise<temporal.api.update.v1.IOutcome> | undefined;

  constructor(
    private readonly deps: UpdateHandleDeps,
    readonly updateId: string,
    readonly workflowId: string,
    readonly workflowRunId: string | undefined,
    knownOutcome?: temporal.api.update.v1.IOutcome,
  ) {
    this.outcome = knownOutcome ? Promise.resolve(knownOutcome) : undefined;
  }

  async result(): Promise<R> {
    // Several result() calls share one poll loop.
    this.outcome ??= this.pollOutcome();
    let outcome: temporal.api.update.v1.IOutcome;
    try {
      outcome = await this.outcome;
    } catch (err) {
      this.outcome = undefined;
      throw err;
    }
    if (outcome.failure) {
      throw new WorkflowUpdateFailedError('Workflow Update failed', await this.deps.dataConverter.decodeFailure(outcome.failure));
    }
    return this.deps.dataConverter.decodeOne<R>(outcome.success?.payloads?.[0]);
  }

  // The server answers each poll when the update completes or after its own long-poll timeout,
  // whichever comes first; an answer without an outcome just means "ask again".
  private async pollOutcome(): Promise<temporal.api.update.v1.IOutcome> {
    const { service, namespace, identity } = this.deps;
    for (;;) {
      const response = await service.call(
        'PollWorkflowExecutionUpdate',
        {
          namespace,
          identity,
          updateRef: {
            workflowExecution: { workflowId: this.workflowId, runId: this.workflowRunId ?? '' },
            updateId: this.updateId,
          },
          waitPolicy: { lifecycleStage: updateStage.encode('COMPLETED', 'waitForStage') },
        },
        { workflowId: this.workflowId, runId: this.workflowRunId },
      );
      if (response.outcome) return response.outcome;
    }
  }
}
