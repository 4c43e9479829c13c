/**
 * A pass-through around a real core connection that records what our worker hands the core
 * (activity completions and heartbeats). The fake core accepts both without keeping them, so the
 * fake-core e2e tests read them here, at the boundary, while every call still reaches the addon.
 */
import { coresdk } from '@temporalio/proto';
import type { CoreConnection, CoreWorker, RpcCallOptions, ServiceName, WorkerOptions } from '../../../lib/core/types';

type Completion = coresdk.ActivityTaskCompletion;

function tokenKey(token: Uint8Array): string {
  return Buffer.from(token).toString('base64');
}

export class CompletionLog {
  readonly completions = new Map<string, Completion>();
  readonly heartbeats: coresdk.ActivityHeartbeat[] = [];
  /** Activity tasks (start or cancel) the core has handed to the worker. */
  activityTasksPolled = 0;
  /** When set, the next activity poll fails with it (after the core answered), as a broken core would. */
  failNextPoll: Error | undefined;
  private pollWaiters: { count: number; resolve: () => void }[] = [];
  private readonly waiters = new Map<string, (completion: Completion) => void>();

  record(completion: Completion): void {
    const key = tokenKey(completion.taskToken);
    this.completions.set(key, completion);
    this.waiters.get(key)?.(completion);
    this.waiters.delete(key);
  }

  polledOne(): void {
    this.activityTasksPolled++;
    this.pollWaiters = this.pollWaiters.filter((waiter) => {
      if (this.activityTasksPolled < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Resolves once the worker has received `count` activity tasks from the core in total. */
  whenPolled(count: number): Promise<void> {
    if (this.activityTasksPolled >= count) return Promise.resolve();
    return new Promise((resolve) => this.pollWaiters.push({ count, resolve }));
  }

  /** Resolves with the completion our worker reports for `taskToken`. */
  completionFor(taskToken: Uint8Array): Promise<Completion> {
    const key = tokenKey(taskToken);
    const done = this.completions.get(key);
    if (done !== undefined) return Promise.resolve(done);
    return new Promise((resolve) => this.waiters.set(key, resolve));
  }
}

class RecordingCoreWorker implements CoreWorker {
  constructor(
    private readonly inner: CoreWorker,
    private readonly log: CompletionLog,
    private readonly balanceCancelTasks: boolean,
  ) {}
  validate(): Promise<void> {
    return this.inner.validate();
  }
  pollWorkflowActivation(): Promise<Uint8Array | null> {
    return this.inner.pollWorkflowActivation();
  }
  async pollActivityTask(): Promise<Uint8Array | null> {
    const failure = this.log.failNextPoll;
    this.log.failNextPoll = undefined;
    if (failure !== undefined) throw failure;
    const task = await this.inner.pollActivityTask();
    if (task === null) return task;
    this.log.polledOne();
    if (this.balanceCancelTasks) {
      const decoded = coresdk.activity_task.ActivityTask.decode(task);
      if (decoded.cancel != null) {
        // The fake core counts every task it hands out as outstanding until completed, cancel
        // tasks included, although the real core expects no completion for them; its poller
        // would then never drain. One extra completion for the cancel task evens the count.
        const balance = coresdk.ActivityTaskCompletion.encode({ taskToken: decoded.taskToken, result: { willCompleteAsync: {} } });
        await this.inner.completeActivityTask(balance.finish());
      }
    }
    return task;
  }
  completeWorkflowActivation(completion: Uint8Array): Promise<void> {
    return this.inner.completeWorkflowActivation(completion);
  }
  async completeActivityTask(completion: Uint8Array): Promise<void> {
    await this.inner.completeActivityTask(completion);
    this.log.record(coresdk.ActivityTaskCompletion.decode(completion));
  }
  recordActivityHeartbeat(heartbeat: Uint8Array): void {
    this.inner.recordActivityHeartbeat(heartbeat);
    this.log.heartbeats.push(coresdk.ActivityHeartbeat.decode(heartbeat));
  }
  requestWorkflowEviction(runId: string): void {
    this.inner.requestWorkflowEviction(runId);
  }
  initiateShutdown(): void {
    this.inner.initiateShutdown();
  }
  finalizeShutdown(): Promise<void> {
    return this.inner.finalizeShutdown();
  }
}

export class RecordingCoreConnection implements CoreConnection {
  readonly log = new CompletionLog();
  /** `balanceCancelTasks`: only for the fake core, see `RecordingCoreWorker.pollActivityTask`. */
  constructor(
    readonly inner: CoreConnection,
    private readonly options: { balanceCancelTasks?: boolean } = {},
  ) {}
  rpcCall(service: ServiceName, rpc: string, request: Uint8Array, options?: RpcCallOptions): Promise<Uint8Array> {
    return this.inner.rpcCall(service, rpc, request, options);
  }
  updateMetadata(metadata: Record<string, string>): void {
    this.inner.updateMetadata(metadata);
  }
  updateBinaryMetadata(metadata: Record<string, Uint8Array>): void {
    this.inner.updateBinaryMetadata(metadata);
  }
  updateApiKey(apiKey: string | undefined): void {
    this.inner.updateApiKey(apiKey);
  }
  createWorker(options: WorkerOptions): CoreWorker {
    return new RecordingCoreWorker(this.inner.createWorker(options), this.log, this.options.balanceCancelTasks ?? false);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
