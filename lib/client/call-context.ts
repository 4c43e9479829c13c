/**
 * Per-call settings scoped to an async call tree (`connection.withMetadata(md, fn)` and friends): every
 * RPC started inside `fn`, however deep, picks them up, and nothing outside it sees them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RpcCallOptions } from '../core/types';

interface CallScope {
  metadata?: Record<string, string>;
  /** Epoch milliseconds. */
  deadline?: number;
  signal?: AbortSignal;
}

/** One storage per connection so that scopes of two connections never mix. */
export class CallContext {
  private readonly storage = new AsyncLocalStorage<CallScope>();

  /** Runs `fn` with `patch` merged over the enclosing scope (metadata merges key by key). */
  run<R>(patch: CallScope, fn: () => Promise<R>): Promise<R> {
    const outer = this.storage.getStore() ?? {};
    const scope: CallScope = {
      metadata: patch.metadata ? { ...outer.metadata, ...patch.metadata } : outer.metadata,
      // An inner scope may only tighten the deadline, as gRPC deadlines propagate.
      deadline:
        patch.deadline === undefined
          ? outer.deadline
          : outer.deadline === undefined
            ? patch.deadline
            : Math.min(outer.deadline, patch.deadline),
      signal: patch.signal && outer.signal ? AbortSignal.any([outer.signal, patch.signal]) : (patch.signal ?? outer.signal),
    };
    return this.storage.run(scope, fn);
  }

  /** The options for an RPC starting now. */
  rpcOptions(): RpcCallOptions {
    const scope = this.storage.getStore();
    if (!scope) return {};
    const options: RpcCallOptions = {};
    if (scope.metadata) options.metadata = scope.metadata;
    // A deadline already past still gets a positive timeout so the call fails with DEADLINE_EXCEEDED
    // from the transport rather than running unbounded (0 means "no deadline" to the core).
    if (scope.deadline !== undefined) options.timeoutMs = Math.max(1, scope.deadline - Date.now());
    if (scope.signal) options.signal = scope.signal;
    return options;
  }
}
