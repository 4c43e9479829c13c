/** `CoreRuntime` over the addon's runtime object. */
import type { BackendRuntime, ResolvedConnectionOptions } from '../options';
import type { BackendName, CoreConnection, CoreReplayer, ReplayerOptions } from '../types';
import type { NativeRuntime } from './addon';
import { NativeCoreConnection } from './connection';
import { translated, translatedAsync } from './errors';
import { NativeCoreReplayer } from './replayer';

export class NativeCoreRuntime implements BackendRuntime {
  readonly backend: BackendName = 'native';

  constructor(
    private readonly runtime: NativeRuntime,
    /** The C bridge library this runtime runs on. */
    readonly libraryPath: string,
  ) {}

  async connect(options: ResolvedConnectionOptions): Promise<CoreConnection> {
    return new NativeCoreConnection(await translatedAsync(() => this.runtime.connect(options)));
  }

  createReplayer(options: ReplayerOptions): CoreReplayer {
    return new NativeCoreReplayer(translated(() => this.runtime.createReplayer(options)));
  }

  /** Releases this object's hold; the core runtime is freed once its connections and workers are. */
  async close(): Promise<void> {
    this.runtime.close();
  }
}
