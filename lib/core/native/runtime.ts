/** `CoreRuntime` over the addon's runtime object. */
import type { BackendRuntime, ResolvedConnectionOptions } from '../options';
import type {
  BackendName,
  CoreConnection,
  CoreMetric,
  CoreMetricAttributes,
  CoreMetricKind,
  CoreReplayer,
  ReplayerOptions,
} from '../types';
import type { NativeRuntime } from './addon';
import { NativeCoreConnection } from './connection';
import { translated, translatedAsync } from './errors';
import { NativeCoreReplayer } from './replayer';

export class NativeCoreRuntime implements BackendRuntime {
  readonly backend: BackendName = 'native';
  private closed = false;

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

  createMetric(kind: CoreMetricKind, name: string, unit = '', description = ''): CoreMetric | undefined {
    if (this.closed) return undefined;
    const id = translated(() => this.runtime.createMetric(kind, name, unit, description));
    if (id === null) return undefined;
    return {
      kind,
      name,
      record: (value: number, attributes?: CoreMetricAttributes) => {
        // The official SDK's meter turns into a no-op once its runtime is shut down; so does this one.
        if (this.closed) return;
        translated(() => this.runtime.recordMetric(id, value, attributes));
      },
    };
  }

  /** Releases this object's hold; the core runtime is freed once its connections and workers are. */
  async close(): Promise<void> {
    this.closed = true;
    this.runtime.close();
  }
}
