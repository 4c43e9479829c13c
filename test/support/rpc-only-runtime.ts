/**
 * A core runtime whose one connection answers RPCs with `answer` and can do nothing else, for client
 * tests that read what the client encodes at the core boundary without a server.
 */
import type { CoreRuntime, RpcCallOptions } from '../../lib/core/types';

export type RpcAnswer = (rpc: string, request: Uint8Array, options: RpcCallOptions | undefined) => Promise<Uint8Array>;

export function rpcOnlyRuntime(answer: RpcAnswer): CoreRuntime {
  const connection = {
    rpcCall: (_service: string, rpc: string, request: Uint8Array, options?: RpcCallOptions) => answer(rpc, request, options),
    updateMetadata() {},
    updateBinaryMetadata() {},
    updateApiKey() {},
    createWorker(): never {
      throw new Error('no workers here');
    },
    async close() {},
  };
  return {
    backend: 'neon',
    async connect() {
      return connection;
    },
    createReplayer() {
      throw new Error('no replayer here');
    },
    async close() {},
  };
}
