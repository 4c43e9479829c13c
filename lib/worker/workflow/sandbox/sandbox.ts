import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { defaultCacheDir } from '../bundler/bundle-cache';
import { userFactoryGlobalName } from '../bundler/entry';
import type { WorkflowBundle } from '../bundler/types';
import { SandboxDestroyedError } from './errors';
import { Realm, type Invoke, type Slot, type WorkerInterfaceFunction } from './realm';
import { BundleSourceMap } from './source-map';

export type { Invoke, WorkerInterfaceFunction } from './realm';

/**
 * How workflow executions are separated.
 *
 * - `shared-realm` (default): executions share one hardened realm per worker. Each execution has
 *   its own instances of every user module and its own runtime activator, reached through an
 *   execution slot that is current only while that execution runs. Built-ins are frozen; a
 *   workflow that adds a global, adds to or reassigns a built-in has the change undone (or
 *   refused) before any other execution runs, and its workflow type moves to realms of its own —
 *   transparently when it happens in the first activation, through a replay otherwise. About
 *   25 kB of heap and 1–2 ms per execution.
 * - `realm-per-workflow`: a fresh realm per execution; workflows may change globals and built-ins
 *   freely. About 0.6 MB of heap and ~10 ms (more under load) per execution.
 */
export type WorkflowIsolation = 'shared-realm' | 'realm-per-workflow';

/** Where a workflow's `console.*` calls go; `sandbox` is undefined outside any execution. */
export type SandboxConsole = (level: string, args: unknown[], sandbox: WorkflowSandbox | undefined) => void;

export interface SandboxFactoryOptions {
  /** Upper bound of one call into workflow code, microtasks included. */
  callTimeoutMs: number;
  console?: SandboxConsole;
  /** Default `shared-realm`. */
  isolation?: WorkflowIsolation;
  /**
   * Folder for V8's compiled code of the bundle, so the next process skips compiling it (`false`
   * disables). Defaults to the bundle cache folder.
   */
  codeCacheDir?: string | false;
}

/**
 * Makes workflow sandboxes from one bundle. The bundle is compiled once (one `vm.Script`), so V8
 * compiles each function once for every realm.
 *
 * @example
 * ```ts
 * const factory = new SandboxFactory(bundle, { callTimeoutMs: 5000 });
 * const sandbox = factory.create(runId);
 * sandbox.call('initRuntime', [options]);
 * ```
 */
export class SandboxFactory {
  readonly filename: string;
  private readonly script: vm.Script;
  private readonly sourceMap?: BundleSourceMap;
  private readonly codeCacheFile?: string;
  /**
   * A bundle not made by our bundler (e.g. `@temporalio/worker`'s webpack bundle) keeps user
   * modules in one registry per realm, so it only ever gets realms of its own.
   */
  readonly foreignBundle: boolean;
  private codeCacheSaved = false;
  private shared: Realm | undefined;
  private readonly bySlot = new WeakMap<Slot, WorkflowSandbox>();
  private realmCount = 0;

  constructor(
    bundle: WorkflowBundle,
    readonly options: SandboxFactoryOptions,
  ) {
    if (!Number.isFinite(options.callTimeoutMs) || options.callTimeoutMs <= 0) {
      throw new RangeError(`'isolateExecutionTimeoutMs' must be a positive number of milliseconds, got ${options.callTimeoutMs}`);
    }
    const isolation = options.isolation ?? 'shared-realm';
    if (isolation !== 'shared-realm' && isolation !== 'realm-per-workflow') {
      throw new RangeError(`'workflowIsolation' must be 'shared-realm' or 'realm-per-workflow', got ${String(isolation)}`);
    }
    this.filename = `/temporal-native/workflow-bundle-${bundle.hash.slice(0, 16)}.js`;
    this.foreignBundle = !bundle.code.includes(userFactoryGlobalName);
    const dir = options.codeCacheDir === false ? undefined : (options.codeCacheDir ?? defaultCacheDir());
    this.codeCacheFile = dir && join(dir, `code-cache-${bundle.hash.slice(0, 32)}-${process.version}-${process.arch}.bin`);
    this.script = new vm.Script(bundle.code, { filename: this.filename, cachedData: this.readCodeCache() });
    this.codeCacheSaved = this.script.cachedDataRejected === false;
    this.sourceMap = bundle.sourceMap ? new BundleSourceMap(bundle.sourceMap, this.filename) : undefined;
  }

  private readCodeCache(): Buffer | undefined {
    if (!this.codeCacheFile) return undefined;
    try {
      return readFileSync(this.codeCacheFile);
    } catch {
      return undefined;
    }
  }

  /**
   * Saves V8's compiled code of the bundle once, after the first workflow ran (so the functions it
   * compiled lazily are included). A failure to write only costs the next start some compiling.
   */
  persistCodeCache(): void {
    if (this.codeCacheSaved || !this.codeCacheFile) return;
    this.codeCacheSaved = true;
    try {
      mkdirSync(join(this.codeCacheFile, '..'), { recursive: true });
      const tmp = `${this.codeCacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, this.script.createCachedData());
      renameSync(tmp, this.codeCacheFile);
    } catch {
      // read-only or full disk: next start compiles again
    }
  }

  get isolation(): WorkflowIsolation {
    return this.options.isolation ?? 'shared-realm';
  }

  /**
   * A sandbox for one execution, with the bundle's runtime ready and no user module loaded yet
   * (`initRuntime` loads them). `dedicated` forces a realm of its own whatever the isolation mode.
   */
  create(runId: string, { dedicated = false }: { dedicated?: boolean } = {}): WorkflowSandbox {
    const ownRealm = dedicated || this.foreignBundle || this.isolation === 'realm-per-workflow';
    const realm = ownRealm ? this.newRealm(false) : this.sharedRealm();
    const sandbox = new WorkflowSandbox(runId, realm, realm.newSlot(), ownRealm);
    this.bySlot.set(sandbox.slot!, sandbox);
    return sandbox;
  }

  private sharedRealm(): Realm {
    if (!this.shared || this.shared.broken) {
      // A timed-out call may have left the old realm half-way through anything; its executions
      // are evicted by the runner and it is dropped once they are gone.
      this.shared?.retire();
      this.shared = this.newRealm(true);
    }
    return this.shared;
  }

  private newRealm(hardened: boolean): Realm {
    return new Realm({
      script: this.script,
      sourceMap: this.sourceMap,
      callTimeoutMs: this.options.callTimeoutMs,
      hardened,
      name: `workflow realm ${++this.realmCount}`,
      console: (level, args, slot) => this.options.console?.(level, args, slot && this.bySlot.get(slot)),
      onUnhandledRejection: (reason, slot) => {
        const sandbox = slot && this.bySlot.get(slot);
        if (sandbox) sandbox.recordUnhandledRejection(reason);
        else this.options.console?.('error', ['Unhandled rejection in workflow code outside any activation:', reason], undefined);
      },
    });
  }
}

/**
 * One workflow execution's sandbox: a slot in a realm (shared or its own). Everything the
 * execution owns — its activator and its user modules — hangs off the slot, so dropping the slot
 * drops the execution.
 *
 * @example
 * ```ts
 * const sandbox = factory.create(runId);
 * const completion = sandbox.session((invoke) => {
 *   invoke('initRuntime', [options]);
 *   invoke('activate', [activation]);
 *   return invoke('concludeActivation');
 * }, 'activation');
 * sandbox.destroy();
 * ```
 */
export class WorkflowSandbox {
  private unhandled: { reason: unknown } | undefined;

  constructor(
    readonly runId: string,
    readonly realm: Realm,
    public slot: Slot | undefined,
    /** Whether the realm is this execution's alone. */
    readonly dedicated: boolean,
  ) {}

  /** The workflow runtime's `Activator` of this run, once `initRuntime` created it. */
  get activator(): unknown {
    return this.slot?.activator;
  }

  get destroyed(): boolean {
    return this.slot === undefined;
  }

  /**
   * Calls one worker-interface function for this execution; the realm's microtasks are drained
   * before this returns. Throws `SandboxTimeoutError` when the call exceeds the timeout.
   */
  call(fn: WorkerInterfaceFunction, args: unknown[] = []): unknown {
    return this.session((invoke) => invoke(fn, args), fn);
  }

  /** Runs several calls (see {@link Realm.session}) under one timeout. */
  session<T>(body: (invoke: Invoke) => T, label: string): T {
    if (!this.slot) throw new SandboxDestroyedError(this.runId);
    return this.realm.session(this.slot, body, label);
  }

  /**
   * Runs one activation of this execution. In a shared realm activations of different executions
   * take turns, so that unhandled rejections and leak checks are attributed to the right one.
   */
  exclusive<T>(body: () => Promise<T>): Promise<T> {
    if (!this.slot) return Promise.reject(new SandboxDestroyedError(this.runId));
    return this.realm.exclusive(this.slot, body);
  }

  recordUnhandledRejection(reason: unknown): void {
    this.unhandled ??= { reason };
  }

  /** The first unhandled rejection seen since the last read, cleared on read. */
  takeUnhandledRejection(): { reason: unknown } | undefined {
    const value = this.unhandled;
    this.unhandled = undefined;
    return value;
  }

  /** Globals or built-ins this execution added in a shared realm (already removed), if any. */
  detectLeaks(): string[] | undefined {
    return this.dedicated ? undefined : this.realm.detectLeaks();
  }

  /** Drops the execution; a dedicated realm goes with it. Idempotent. */
  destroy(): void {
    if (!this.slot) return;
    this.slot.activator = undefined;
    this.slot.userModules = undefined;
    this.slot.executionMap = undefined;
    this.slot = undefined;
    this.realm.releaseSlot();
    if (this.dedicated) this.realm.retire();
  }
}
