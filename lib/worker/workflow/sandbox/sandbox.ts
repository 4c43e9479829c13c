import { AsyncLocalStorage as HostAsyncLocalStorage } from 'node:async_hooks';
import hostAssert from 'node:assert';
import { TextDecoder as HostTextDecoder, TextEncoder as HostTextEncoder } from 'node:util';
import vm from 'node:vm';
import type { WorkflowBundle } from '../bundler/types';
import { bootstrapSource, callSource } from './bootstrap';
import { SandboxDestroyedError, SandboxTimeoutError } from './errors';
import { BundleSourceMap, formatStack, type CallSiteLike } from './source-map';
import { trackUnhandledRejections, untrackUnhandledRejections } from './unhandled-rejections';

/** The functions `@temporalio/workflow/lib/worker-interface.js` exports, by name. */
export type WorkerInterfaceFunction =
  | 'initRuntime'
  | 'initialize'
  | 'activate'
  | 'concludeActivation'
  | 'tryUnblockConditions'
  | 'dispose'
  | 'destroy';

/** Where a workflow's `console.*` calls go; `undefined` from `owner` means "not in a workflow yet". */
export type SandboxConsole = (level: string, args: unknown[], sandbox: WorkflowSandbox) => void;

export interface SandboxFactoryOptions {
  /** Upper bound of one call into workflow code, microtasks included. */
  callTimeoutMs: number;
  /** Receives `console.*` calls made by workflow code (already filtered for replay by the caller). */
  console?: SandboxConsole;
}

/**
 * Compiles a workflow bundle once and makes a fresh, isolated sandbox from it per workflow run.
 *
 * Every sandbox is its own `vm` context (own global object, own built-ins, own module registry), so
 * module-level state, globals and prototype mutations of one execution can never be seen by another
 * — isolation by construction rather than by swapping globals. What *is* shared is what carries no
 * workflow state: the compiled bundle (one `vm.Script`, so V8 compiles each function once for all
 * contexts), the bootstrap script and the source map.
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
  private readonly bundleScript: vm.Script;
  private readonly sourceMap?: BundleSourceMap;

  constructor(
    bundle: WorkflowBundle,
    readonly options: SandboxFactoryOptions,
  ) {
    if (!Number.isFinite(options.callTimeoutMs) || options.callTimeoutMs <= 0) {
      throw new RangeError(`'callTimeoutMs' must be a positive number of milliseconds, got ${options.callTimeoutMs}`);
    }
    this.filename = `/temporal-native/workflow-bundle-${bundle.hash.slice(0, 16)}.js`;
    this.bundleScript = new vm.Script(bundle.code, { filename: this.filename });
    this.sourceMap = bundle.sourceMap ? new BundleSourceMap(bundle.sourceMap, this.filename) : undefined;
  }

  /** A fresh sandbox with the bundle evaluated in it; the workflow itself is created by `initRuntime`. */
  create(runId: string): WorkflowSandbox {
    return new WorkflowSandbox(runId, this.bundleScript, this.options, this.sourceMap);
  }
}

const bootstrapScript = new vm.Script(bootstrapSource, { filename: 'temporal-native:sandbox-bootstrap' });
const callScript = new vm.Script(callSource, { filename: 'temporal-native:sandbox-call' });

/** Host functions handed to the bootstrap script; see `bootstrap.ts`. */
interface BootstrapHost {
  classes: Record<string, unknown>;
  assert: unknown;
  AsyncLocalStorage: unknown;
  console(level: string, args: unknown[]): void;
  formatStack(error: unknown, sites: CallSiteLike[]): string;
}

/** Globals of a sandbox the host reads or writes; everything else stays on the workflow's side. */
interface SandboxGlobals {
  __temporal_call?: { fn: WorkerInterfaceFunction; args: unknown[] };
  __TEMPORAL_ACTIVATOR__?: unknown;
}

/** One workflow run's sandbox: a `vm` context with the bundle evaluated in it. */
export class WorkflowSandbox {
  private context: (vm.Context & SandboxGlobals) | undefined;
  private unhandledRejection: unknown;
  private hasUnhandledRejection = false;

  constructor(
    readonly runId: string,
    bundleScript: vm.Script,
    private readonly options: SandboxFactoryOptions,
    sourceMap: BundleSourceMap | undefined,
  ) {
    // `afterEvaluate`: the context gets its own microtask queue, drained at the end of each call —
    // so a call returns only once the workflow's promise chains have settled, and the call timeout
    // covers runaway microtasks too.
    const context = vm.createContext({}, { microtaskMode: 'afterEvaluate', name: `workflow ${runId}` }) as vm.Context & SandboxGlobals;
    const host: BootstrapHost = {
      classes: { URL, URLSearchParams, TextEncoder: HostTextEncoder, TextDecoder: HostTextDecoder, AbortController },
      assert: hostAssert,
      AsyncLocalStorage: HostAsyncLocalStorage,
      console: (level, args) => this.options.console?.(level, args, this),
      formatStack: (error, sites) => formatStack(error, sites, sourceMap),
    };
    const bootstrap = bootstrapScript.runInContext(context) as (host: BootstrapHost) => object;
    const promisePrototype = bootstrap(host);
    bundleScript.runInContext(context, { timeout: options.callTimeoutMs });
    this.context = context;
    trackUnhandledRejections(promisePrototype, this);
  }

  /** The workflow runtime's `Activator` of this run, once `initRuntime` created it. */
  get activator(): unknown {
    return this.context?.__TEMPORAL_ACTIVATOR__;
  }

  get destroyed(): boolean {
    return this.context === undefined;
  }

  /**
   * Calls a worker-interface function inside the sandbox. The context's microtasks are drained
   * before this returns. Throws {@link SandboxTimeoutError} when the call (microtasks included)
   * exceeds the timeout; the worker is unaffected.
   */
  call(fn: WorkerInterfaceFunction, args: unknown[] = []): unknown {
    const context = this.context;
    if (!context) throw new SandboxDestroyedError(this.runId);
    context.__temporal_call = { fn, args };
    try {
      return callScript.runInContext(context, { timeout: this.options.callTimeoutMs, displayErrors: false });
    } catch (error) {
      if ((error as { code?: unknown })?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
        throw new SandboxTimeoutError(this.options.callTimeoutMs, fn);
      }
      throw error;
    } finally {
      context.__temporal_call = undefined;
    }
  }

  /** Called by the process-wide rejection tracker for promises born in this sandbox. */
  recordUnhandledRejection(reason: unknown): void {
    if (this.hasUnhandledRejection) return;
    this.hasUnhandledRejection = true;
    this.unhandledRejection = reason;
  }

  /** The first unhandled rejection seen since the last call, cleared on read. */
  takeUnhandledRejection(): { reason: unknown } | undefined {
    if (!this.hasUnhandledRejection) return undefined;
    const reason = this.unhandledRejection;
    this.hasUnhandledRejection = false;
    this.unhandledRejection = undefined;
    return { reason };
  }

  /** Drops the context; its memory becomes collectable. Idempotent. */
  destroy(): void {
    if (!this.context) return;
    untrackUnhandledRejections(this);
    this.context = undefined;
  }
}
