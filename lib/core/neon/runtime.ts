/**
 * The `neon` backend's runtime: one core runtime inside the prebuilt `@temporalio/core-bridge`
 * addon, plus the connections and replayers made from it.
 */
import {
  validateReplayerOptions,
  type BackendRuntime,
  type ResolvedConnectionOptions,
  type ValidatedRuntimeOptions,
} from '../options';
import type { CoreConnection, CoreReplayer, ReplayerOptions } from '../types';
import { loadNeonApi, type NeonApi, type NeonRuntimeHandle } from './bridge';
import { neonClientOptions, neonReplayWorkerOptions, neonRuntimeOptions } from './build-options';
import { NeonConnection } from './connection';
import { toCoreError } from './errors';
import { logReceiver } from './logs';
import { NeonReplayer } from './replayer';
import { RuntimeRefs } from './runtime-refs';
import { NeonWorker } from './worker';

export class NeonRuntime implements BackendRuntime {
  readonly backend = 'neon' as const;
  private readonly refs: RuntimeRefs;

  private constructor(
    private readonly api: NeonApi,
    private readonly handle: NeonRuntimeHandle,
  ) {
    this.refs = new RuntimeRefs(() => this.api.runtimeShutdown(this.handle));
  }

  /** Creates the core runtime; core logs go to `options.logger` when one is given. */
  static create(options: ValidatedRuntimeOptions): NeonRuntime {
    const api = loadNeonApi();
    const receiver = logReceiver(options.logger);
    let handle: NeonRuntimeHandle;
    try {
      handle = api.newRuntime(neonRuntimeOptions(options, receiver));
    } catch (err) {
      throw toCoreError(err, 'createRuntime');
    }
    return new NeonRuntime(api, handle);
  }

  async connect(resolved: ResolvedConnectionOptions): Promise<CoreConnection> {
    if (resolved.retry !== undefined) {
      throw new TypeError(
        'connection options.retry cannot be honoured by the neon backend (@temporalio/core-bridge uses the core\'s ' +
          'default retry policy); omit it or use the native backend',
      );
    }
    this.refs.acquire('connect');
    try {
      const client = await this.api.newClient(this.handle, neonClientOptions(resolved));
      return new NeonConnection(this.api, client, resolved, this.refs);
    } catch (err) {
      this.refs.release();
      throw toCoreError(err, `connect to ${resolved.targetUrl}`);
    }
  }

  createReplayer(options: ReplayerOptions): CoreReplayer {
    const resolved = validateReplayerOptions(options);
    this.refs.acquire('createReplayer');
    let pair: ReturnType<NeonApi['newReplayWorker']>;
    try {
      pair = this.api.newReplayWorker(this.handle, neonReplayWorkerOptions(resolved));
    } catch (err) {
      this.refs.release();
      throw toCoreError(err, 'createReplayer');
    }
    const [workerHandle, pusher] = pair;
    const worker = new NeonWorker(this.api, workerHandle, new Set(['workflow']), () => this.refs.release());
    return new NeonReplayer(this.api, pusher, worker);
  }

  async close(): Promise<void> {
    try {
      this.refs.close();
    } catch (err) {
      throw toCoreError(err, 'close runtime');
    }
  }
}
