import Long from 'long';
import { coresdk, google, temporal } from '@temporalio/proto';
import { defaultPayloadConverter } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';

type Job = coresdk.workflow_activation.IWorkflowActivationJob;

/** Builds activations the way the core would send them, for one workflow run. */
export class ActivationBuilder {
  private nowMs: number;
  constructor(
    readonly runId: string,
    readonly workflowId = `wf-${runId}`,
    startMs = Date.UTC(2030, 0, 1, 12, 0, 0),
  ) {
    this.nowMs = startMs;
  }

  /** Moves the activation clock forward. */
  advance(ms: number): this {
    this.nowMs += ms;
    return this;
  }

  get now(): number {
    return this.nowMs;
  }

  activation(jobs: Job[], extra: Partial<coresdk.workflow_activation.IWorkflowActivation> = {}): coresdk.workflow_activation.WorkflowActivation {
    return coresdk.workflow_activation.WorkflowActivation.create({
      runId: this.runId,
      timestamp: msToTs(this.nowMs) as google.protobuf.ITimestamp,
      isReplaying: false,
      historyLength: 3,
      historySizeBytes: Long.fromNumber(0),
      jobs: jobs.map((j) => coresdk.workflow_activation.WorkflowActivationJob.create(j)),
      ...extra,
    });
  }

  start(workflowType: string, args: unknown[] = [], seed = 42): coresdk.workflow_activation.WorkflowActivation {
    return this.activation([
      {
        initializeWorkflow: {
          workflowId: this.workflowId,
          workflowType,
          arguments: args.map((a) => defaultPayloadConverter.toPayload(a)),
          randomnessSeed: Long.fromNumber(seed, true),
          firstExecutionRunId: this.runId,
          attempt: 1,
          startTime: msToTs(this.nowMs) as google.protobuf.ITimestamp,
          workflowTaskTimeout: msToTs(10_000) as google.protobuf.IDuration,
        },
      },
    ]);
  }

  resolveActivity(seq: number, result: unknown): coresdk.workflow_activation.WorkflowActivation {
    return this.activation([
      { resolveActivity: { seq, result: { completed: { result: defaultPayloadConverter.toPayload(result) } } } },
    ]);
  }

  fireTimer(seq: number): coresdk.workflow_activation.WorkflowActivation {
    return this.activation([{ fireTimer: { seq } }]);
  }

  signal(signalName: string, args: unknown[]): coresdk.workflow_activation.WorkflowActivation {
    return this.activation([{ signalWorkflow: { signalName, input: args.map((a) => defaultPayloadConverter.toPayload(a)) } }]);
  }

  query(queryType: string, queryId = 'q1'): coresdk.workflow_activation.WorkflowActivation {
    return this.activation([{ queryWorkflow: { queryId, queryType, arguments: [] } }]);
  }

  evict(): coresdk.workflow_activation.WorkflowActivation {
    return this.activation([{ removeFromCache: { message: 'test eviction', reason: coresdk.workflow_activation.RemoveFromCache.EvictionReason.CACHE_FULL } }]);
  }
}

export type Completion = coresdk.workflow_completion.IWorkflowActivationCompletion;
export type Command = coresdk.workflow_commands.IWorkflowCommand;

/** The commands of a successful completion; fails loudly with the failure message otherwise. */
export function commandsOf(completion: Completion): Command[] {
  if (!completion.successful) {
    throw new Error(`Activation failed: ${completion.failed?.failure?.message ?? 'no failure'}\n${completion.failed?.failure?.stackTrace ?? ''}`);
  }
  return completion.successful.commands ?? [];
}

export function fromPayload(payload: temporal.api.common.v1.IPayload | null | undefined): unknown {
  return defaultPayloadConverter.fromPayload(payload as temporal.api.common.v1.IPayload);
}
