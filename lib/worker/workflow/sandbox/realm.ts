import { AsyncLocalStorage as HostAsyncLocalStorage } from 'node:async_hooks';
import hostAssert from 'node:assert';
import { TextDecoder as HostTextDecoder, TextEncoder as HostTextEncoder } from 'node:util';
import vm from 'node:vm';
import { bootstrapSource, callSource } from './bootstrap';
import { SandboxTimeoutError } from './errors';
import { formatStack, type BundleSourceMap, type CallSiteLike } from './source-map';
import { trackUnhandledRejections, untrackUnhandledRejections } from './unhandled-rejections';
import { trackPromiseStacks, untrackPromiseStacks } from './promise-stacks';

/** The functions `@temporalio/workflow/lib/worker-interface.js` exports, by name. */
export type WorkerInterfaceFunction =
  | 'initRuntime'
  | 'initialize'
  | 'activate'
  | 'concludeActivation'
  | 'tryUnblockConditions'
  | 'dispose'
  | 'destroy';

/** Per-execution state inside a realm (an in-realm object; opaque to the host). */
export type Slot = { activator: unknown; userModules: unknown; executionMap: unknown };

/** What the host reads back from a realm's bootstrap. */
interface RealmControl {
  promisePrototype: object;
  newSlot(): Slot;
  switchTo(slot: Slot | undefined): void;
  setPending(session: () => unknown): void;
  captureStack(): { stack?: string };
  invoke(fn: WorkerInterfaceFunction, args: unknown[]): unknown;
  harden(): void;
  detectLeaks(): string[] | undefined;
}

/** Host functions handed to the bootstrap script; see `bootstrap.ts`. */
interface BootstrapHost {
  classes: Record<string, unknown>;
  assert: unknown;
  AsyncLocalStorage: unknown;
  console(level: string, args: unknown[]): void;
  formatStack(error: unknown, sites: CallSiteLike[]): string;
}

export interface RealmOptions {
  /** The compiled bundle, shared by every realm. */
  script: vm.Script;
  sourceMap?: BundleSourceMap;
  callTimeoutMs: number;
  /** Freeze built-ins and watch for additions: required when executions share the realm. */
  hardened: boolean;
  name: string;
  /** `console.*` from workflow code, with the slot that was current. */
  console: (level: string, args: unknown[], slot: Slot | undefined) => void;
  /** A promise rejection nobody handled, with the slot whose activation was in progress. */
  onUnhandledRejection: (reason: unknown, slot: Slot | undefined) => void;
}

const bootstrapScript = new vm.Script(bootstrapSource, { filename: 'temporal-native:sandbox-bootstrap' });
const callScript = new vm.Script(callSource, { filename: 'temporal-native:sandbox-call' });
const drainScript = new vm.Script('undefined', { filename: 'temporal-native:sandbox-drain' });

/**
 * Calls a worker-interface function inside a session. Like a separate top-level call, it returns
 * only after the realm's microtasks are drained, so a session replays the exact call-by-call
 * semantics of the official worker while arming the timeout watchdog once.
 */
export type Invoke = (fn: WorkerInterfaceFunction, args?: unknown[]) => unknown;

/**
 * One `vm` realm with the workflow bundle evaluated in it. Executions live in slots; calls run with
 * one slot current and drain the realm's microtasks before returning (`microtaskMode:
 * 'afterEvaluate'`), so no execution's continuation ever runs while another is current.
 * Realms are made by `SandboxFactory`.
 *
 * @example
 * ```ts
 * const realm = new Realm({ script, callTimeoutMs: 5000, hardened: true, name: 'shared',
 *   console: () => undefined, onUnhandledRejection: () => undefined });
 * const slot = realm.newSlot();
 * realm.session(slot, (invoke) => invoke('tryUnblockConditions'), 'sweep');
 * ```
 */
export class Realm {
  private readonly context: vm.Context;
  private readonly control: RealmControl;
  private current: Slot | undefined;
  /** The slot whose activation is in progress, for attributing unhandled rejections. */
  owner: Slot | undefined;
  private lock: Promise<unknown> = Promise.resolve();
  /** Set when a call timed out: the realm's state can no longer be trusted. */
  broken = false;
  liveSlots = 0;

  constructor(private readonly options: RealmOptions) {
    this.context = vm.createContext({}, { microtaskMode: 'afterEvaluate', name: options.name });
    const host: BootstrapHost = {
      classes: { URL, URLSearchParams, TextEncoder: HostTextEncoder, TextDecoder: HostTextDecoder, AbortController },
      assert: hostAssert,
      AsyncLocalStorage: HostAsyncLocalStorage,
      console: (level, args) => options.console(level, args, this.current),
      formatStack: (error, sites) => formatStack(error, sites, options.sourceMap),
    };
    const bootstrap = bootstrapScript.runInContext(this.context) as (host: BootstrapHost) => RealmControl;
    this.control = bootstrap(host);
    // Bundles made by @temporalio/worker's webpack bundler read their module registry from here.
    vm.runInContext('globalThis.__webpack_module_cache__ = {};', this.context);
    // Evaluating the bundle runs the runtime's module initialisation (user modules load later, per
    // execution); it is bounded generously so a short activation timeout cannot fail realm creation
    // on a busy machine.
    options.script.runInContext(this.context, { timeout: Math.max(options.callTimeoutMs, 30_000) });
    if (options.hardened) this.control.harden();
    trackUnhandledRejections(this.control.promisePrototype, this);
    trackPromiseStacks(this.control.promisePrototype, {
      currentStore: () => (this.current?.activator as { promiseStackStore?: unknown } | undefined)?.promiseStackStore,
      captureStack: () => this.control.captureStack(),
    });
  }

  /**
   * Runs `body` (one whole activation, including the macrotask turn in which Node reports
   * unhandled rejections) alone in this realm, with `slot` owning the rejections raised meanwhile.
   */
  exclusive<T>(slot: Slot, body: () => Promise<T>): Promise<T> {
    const run = this.lock.then(async () => {
      this.owner = slot;
      try {
        return await body();
      } finally {
        this.owner = undefined;
      }
    });
    this.lock = run.catch(() => undefined);
    return run;
  }

  newSlot(): Slot {
    this.liveSlots++;
    return this.control.newSlot();
  }

  releaseSlot(): void {
    this.liveSlots--;
  }

  /**
   * Runs `body` as one evaluation in the realm with `slot` current: every `invoke` it makes calls a
   * worker-interface function and then drains the realm's microtasks (a nested empty evaluation
   * performs the checkpoint). One timeout covers the whole session, microtasks included; on expiry
   * this throws {@link SandboxTimeoutError} and the realm is marked broken.
   */
  session<T>(slot: Slot, body: (invoke: Invoke) => T, label: string): T {
    const previous = this.current;
    this.current = slot;
    this.control.switchTo(slot);
    const invoke: Invoke = (fn, args = []) => {
      const result = this.control.invoke(fn, args);
      drainScript.runInContext(this.context);
      return result;
    };
    this.control.setPending(() => body(invoke));
    try {
      return callScript.runInContext(this.context, { timeout: this.options.callTimeoutMs, displayErrors: false }) as T;
    } catch (error) {
      if ((error as { code?: unknown })?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
        this.broken = true;
        throw new SandboxTimeoutError(this.options.callTimeoutMs, label);
      }
      throw error;
    } finally {
      this.current = previous;
      this.control.switchTo(previous);
    }
  }

  /** Built-ins or globals added since the last check, already removed (hardened realms only). */
  detectLeaks(): string[] | undefined {
    return this.options.hardened ? this.control.detectLeaks() : undefined;
  }

  /** Called by the process-wide rejection tracker for promises of this realm. */
  recordUnhandledRejection(reason: unknown): void {
    this.options.onUnhandledRejection(reason, this.owner);
  }

  /** Stops tracking the realm; its memory goes once no slot references it. */
  retire(): void {
    untrackUnhandledRejections(this);
    untrackPromiseStacks(this.control.promisePrototype);
  }
}
