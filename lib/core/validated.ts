/**
 * The checkpoint between callers and a backend: every option and argument is validated (and
 * normalised) here before it reaches the `native` or `neon` implementation, so both backends see
 * the same well-formed input and bad input fails the same way on either.
 */
import { withDeadline } from './deadline';
import {
  type BackendRuntime,
  validateBinaryMetadata,
  validateBytes,
  validateConnectionOptions,
  validateMetadata,
  validateMetricAttributes,
  validateMetricDefinition,
  validateNonEmptyString,
  validateReplayerOptions,
  validateRpcCall,
  validateWorkerOptions,
} from './options';
import type {
  BackendName,
  ConnectionOptions,
  CoreConnection,
  CoreMetric,
  CoreMetricAttributes,
  CoreMetricKind,
  CoreReplayer,
  CoreRuntime,
  CoreWorker,
  ReplayerOptions,
  RpcCallOptions,
  ServiceName,
  WorkerOptions,
} from './types';

/** Wraps a backend runtime so that everything passed to it is validated first. */
export function validatedRuntime(inner: BackendRuntime): CoreRuntime {
  return new ValidatedRuntime(inner);
}

class ValidatedRuntime implements CoreRuntime {
  constructor(private readonly inner: BackendRuntime) {}

  get backend(): BackendName {
    return this.inner.backend;
  }

  async connect(options: ConnectionOptions): Promise<CoreConnection> {
    const resolved = validateConnectionOptions(options);
    return new ValidatedConnection(await this.inner.connect(resolved), resolved.retriesDisabled);
  }

  createReplayer(options: ReplayerOptions): CoreReplayer {
    return new ValidatedReplayer(this.inner.createReplayer(validateReplayerOptions(options)));
  }

  createMetric(kind: CoreMetricKind, name: string, unit?: string, description?: string): CoreMetric | undefined {
    const checked = validateMetricDefinition(kind, name, unit, description);
    const metric = this.inner.createMetric?.(checked.kind, checked.name, checked.unit, checked.description);
    if (metric === undefined) return undefined;
    return {
      kind: metric.kind,
      name: metric.name,
      record(value: number, attributes?: CoreMetricAttributes): void {
        metric.record(value, attributes === undefined ? undefined : validateMetricAttributes(attributes, `metric ${checked.name} attributes`));
      },
    };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

class ValidatedConnection implements CoreConnection {
  constructor(
    private readonly inner: CoreConnection,
    /** The caller's retry policy allows no retry (`maxRetries: 0` or `maxElapsedTimeMs: 0`). */
    private readonly retriesDisabled: boolean,
  ) {}

  rpcCall(service: ServiceName, rpc: string, request: Uint8Array, options?: RpcCallOptions): Promise<Uint8Array> {
    let call;
    try {
      call = validateRpcCall(service, rpc, request, options);
    } catch (err) {
      return Promise.reject(err);
    }
    const retry = call.retry && !this.retriesDisabled;
    const send = (signal: AbortSignal | undefined) =>
      this.inner.rpcCall(call.service, call.rpc, call.request, { retry, metadata: call.metadata, timeoutMs: call.timeoutMs, signal });
    // The core gives every retry attempt the whole timeout, so a retried call could outlive its
    // deadline and end in UNAVAILABLE: the deadline is enforced over all attempts here.
    if (!retry || call.timeoutMs === 0) return send(call.signal);
    return withDeadline(call.rpc, call.timeoutMs, call.signal, send);
  }

  updateMetadata(metadata: Record<string, string>): void {
    this.inner.updateMetadata(validateMetadata(metadata, 'updateMetadata metadata'));
  }

  updateBinaryMetadata(metadata: Record<string, Uint8Array>): void {
    this.inner.updateBinaryMetadata(validateBinaryMetadata(metadata, 'updateBinaryMetadata metadata'));
  }

  updateApiKey(apiKey: string | undefined): void {
    if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey.length === 0 || !/^[\x20-\x7e]+$/.test(apiKey))) {
      throw new TypeError('updateApiKey apiKey must be undefined or a non-empty printable-ASCII string');
    }
    this.inner.updateApiKey(apiKey);
  }

  createWorker(options: WorkerOptions): CoreWorker {
    return new ValidatedWorker(this.inner.createWorker(validateWorkerOptions(options)));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

class ValidatedWorker implements CoreWorker {
  constructor(private readonly inner: CoreWorker) {}

  validate(): Promise<void> {
    return this.inner.validate();
  }

  pollWorkflowActivation(): Promise<Uint8Array | null> {
    return this.inner.pollWorkflowActivation();
  }

  pollActivityTask(): Promise<Uint8Array | null> {
    return this.inner.pollActivityTask();
  }

  completeWorkflowActivation(completion: Uint8Array): Promise<void> {
    return rejectOnThrow(() =>
      this.inner.completeWorkflowActivation(validateBytes(completion, 'completeWorkflowActivation completion')),
    );
  }

  completeActivityTask(completion: Uint8Array): Promise<void> {
    return rejectOnThrow(() => this.inner.completeActivityTask(validateBytes(completion, 'completeActivityTask completion')));
  }

  recordActivityHeartbeat(heartbeat: Uint8Array): void {
    this.inner.recordActivityHeartbeat(validateBytes(heartbeat, 'recordActivityHeartbeat heartbeat'));
  }

  requestWorkflowEviction(runId: string): void {
    this.inner.requestWorkflowEviction(validateNonEmptyString(runId, 'requestWorkflowEviction runId'));
  }

  initiateShutdown(): void {
    this.inner.initiateShutdown();
  }

  finalizeShutdown(): Promise<void> {
    return this.inner.finalizeShutdown();
  }
}

class ValidatedReplayer implements CoreReplayer {
  readonly worker: CoreWorker;

  constructor(private readonly inner: CoreReplayer) {
    this.worker = new ValidatedWorker(inner.worker);
  }

  pushHistory(workflowId: string, history: Uint8Array): Promise<void> {
    return rejectOnThrow(() =>
      this.inner.pushHistory(
        validateNonEmptyString(workflowId, 'pushHistory workflowId'),
        validateBytes(history, 'pushHistory history'),
      ),
    );
  }

  closeHistoryStream(): void {
    this.inner.closeHistoryStream();
  }
}

// Async methods report bad arguments through their promise, like every other failure, so a caller
// awaiting the call never sees a synchronous throw.
function rejectOnThrow<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (err) {
    return Promise.reject(err);
  }
}
