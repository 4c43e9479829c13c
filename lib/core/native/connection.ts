/** `CoreConnection` over the addon's connection object. */
import type { CoreConnection, CoreWorker, RpcCallOptions, ServiceName, WorkerOptions } from '../types';
import { watchAbort } from '../abort-watch';
import type { NativeConnection } from './addon';
import { translated, translatedAsync } from './errors';
import { NativeCoreWorker } from './worker';

export class NativeCoreConnection implements CoreConnection {
  constructor(private readonly connection: NativeConnection) {}

  async rpcCall(service: ServiceName, rpc: string, request: Uint8Array, options?: RpcCallOptions): Promise<Uint8Array> {
    const signal = options?.signal;
    if (signal === undefined || signal.aborted) return translatedAsync(() => this.connection.rpcCall(service, rpc, request, options));
    // The addon listens on the signal it is given; callers often share one signal across many
    // calls, so each call gets its own signal fed by one shared listener (no listener-leak warning).
    const own = new AbortController();
    const stopWatching = watchAbort(signal, () => own.abort(signal.reason));
    try {
      return await translatedAsync(() => this.connection.rpcCall(service, rpc, request, { ...options, signal: own.signal }));
    } finally {
      stopWatching();
    }
  }

  updateMetadata(metadata: Record<string, string>): void {
    translated(() => this.connection.updateMetadata(metadata));
  }

  updateBinaryMetadata(metadata: Record<string, Uint8Array>): void {
    translated(() => this.connection.updateBinaryMetadata(metadata));
  }

  updateApiKey(apiKey: string | undefined): void {
    translated(() => this.connection.updateApiKey(apiKey));
  }

  createWorker(options: WorkerOptions): CoreWorker {
    return new NativeCoreWorker(translated(() => this.connection.createWorker(options)));
  }

  /** Releases this object's hold; in-flight calls and live workers keep the core client until they end. */
  async close(): Promise<void> {
    this.connection.close();
  }
}
