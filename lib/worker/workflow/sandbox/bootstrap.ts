/**
 * Source of the script that furnishes a fresh realm before the bundle runs. It executes *inside*
 * the realm, so every object it creates (console, constructor facades, execution slots) belongs to
 * that realm. The host hands over only functions, through the `host` argument, and gets back a
 * small control object of in-realm functions.
 *
 * Per-execution state lives in *slots*: `{ activator, userModules }`. Exactly one slot is current
 * while the host calls into the realm; the runtime's `__TEMPORAL_ACTIVATOR__` global and the user
 * module factory both resolve through it. A dedicated realm has one slot forever; a shared realm
 * switches slots per call — no globals are copied or swapped.
 *
 * Compiled once per process and run in each realm.
 */
export const bootstrapSource = String.raw`(function bootstrap(host) {
  'use strict';
  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });

  // A per-realm constructor whose instances carry the host class's internal slots (so the host
  // methods accept them) while their prototype and statics are objects of this realm.
  function facade(Host) {
    const Facade = function (...args) {
      if (new.target === undefined) throw new TypeError('Class constructor ' + Host.name + " cannot be invoked without 'new'");
      return Reflect.construct(Host, args, new.target);
    };
    const proto = {};
    for (const key of Reflect.ownKeys(Host.prototype)) {
      if (key !== 'constructor') Object.defineProperty(proto, key, Reflect.getOwnPropertyDescriptor(Host.prototype, key));
    }
    Object.defineProperty(proto, 'constructor', { value: Facade, writable: true, enumerable: false, configurable: true });
    Object.defineProperty(Facade, 'prototype', { value: proto, writable: false, enumerable: false, configurable: false });
    for (const key of Reflect.ownKeys(Host)) {
      if (key !== 'prototype' && key !== 'length') Object.defineProperty(Facade, key, Reflect.getOwnPropertyDescriptor(Host, key));
    }
    return Facade;
  }
  for (const [name, Host] of Object.entries(host.classes)) define(name, facade(Host));

  const hostAssert = host.assert;
  const assert = function assert(...args) { return hostAssert(...args); };
  for (const key of Object.keys(hostAssert)) assert[key] = hostAssert[key];
  define('assert', assert);

  const consoleObject = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
    consoleObject[level] = function (...args) { host.console(level, args); };
  }
  define('console', consoleObject);

  const globalDestructors = [];
  define('__temporal_globalSandboxDestructors', globalDestructors);
  // The workflow runtime keeps cancellation scopes and update scopes in AsyncLocalStorage. Instances
  // are disabled when the workflow is disposed so they do not pin the execution's objects.
  class AsyncLocalStorage extends host.AsyncLocalStorage {
    constructor(name = 'anonymous') {
      super();
      this.name = name;
      const activator = globalThis.__TEMPORAL_ACTIVATOR__;
      const disable = () => this.disable();
      if (activator) activator.workflowSandboxDestructors.push(disable);
      else globalDestructors.push(disable);
    }
  }
  define('AsyncLocalStorage', AsyncLocalStorage);

  for (const name of ['dispose', 'asyncDispose']) {
    if (typeof Symbol[name] !== 'symbol') {
      Object.defineProperty(Symbol, name, { value: Symbol.for('nodejs.' + name), writable: false, enumerable: false, configurable: false });
    }
  }

  Error.prepareStackTrace = (error, sites) => host.formatStack(error, sites);

  let current;
  // A Map whose contents belong to the execution that is current when it is used (see entry.ts).
  const orphanEntries = new Map();
  class ExecutionMap {
    entries() { return current === undefined ? orphanEntries : (current.executionMap || (current.executionMap = new Map())); }
    get(key) { return this.entries().get(key); }
    set(key, value) { this.entries().set(key, value); return this; }
    has(key) { return this.entries().has(key); }
    delete(key) { return this.entries().delete(key); }
    get size() { return this.entries().size; }
  }
  Object.defineProperty(globalThis, '__temporal_ExecutionMap', { value: ExecutionMap, writable: false, enumerable: false, configurable: true });

  Object.defineProperty(globalThis, '__TEMPORAL_ACTIVATOR__', {
    get() { return current === undefined ? undefined : current.activator; },
    set(activator) {
      if (current === undefined) throw new Error('No workflow execution is current in this realm');
      current.activator = activator;
    },
    enumerable: false,
    configurable: false,
  });
  Object.defineProperty(globalThis, '__temporal_user_modules', {
    value() {
      if (current === undefined) throw new Error('No workflow execution is current in this realm');
      if (current.userModules === undefined) {
        current.userModules = globalThis.__TEMPORAL_USER_FACTORY__(globalThis.__TEMPORAL__.requireShared);
      }
      return current.userModules;
    },
    writable: false,
    enumerable: false,
    configurable: false,
  });
  // The host runs a whole activation as one evaluation (one timeout watchdog): it parks a host
  // function here and the call script runs it.
  let pending;
  Object.defineProperty(globalThis, '__temporal_invoke', {
    value() {
      const session = pending;
      pending = undefined;
      return session();
    },
    writable: false,
    enumerable: false,
    configurable: false,
  });

  // --- Hardening (shared realms only) -------------------------------------------------------
  // Properties that instances commonly assign (this.name = ..., Foo.prototype.toString = ...).
  // Locked as plain read-only data they would throw ("override mistake"), so they become accessors
  // whose setter defines an own property on the receiver instead.
  const tamedEverywhere = ['constructor', 'toString', 'toJSON', 'valueOf', 'toLocaleString'];
  const tamedOn = new Map([
    [Object.prototype, Reflect.ownKeys(Object.prototype)],
    [Error.prototype, ['name', 'message', 'cause', 'stack']],
    [Function.prototype, ['name', 'bind', 'call', 'apply']],
  ]);
  let globalBaseline;
  const leaves = new Set();
  const skipped = new Set(['globalThis', '__TEMPORAL__', '__temporal_globalSandboxDestructors']);

  // Changes workflow code made to shared built-ins, to be reported and undone by detectLeaks().
  const changed = [];

  function tame(object, key, descriptor) {
    let value = descriptor.value;
    Object.defineProperty(object, key, {
      get() { return value; },
      set(newValue) {
        if (this !== object) {
          Object.defineProperty(this, key, { value: newValue, writable: true, enumerable: true, configurable: true });
          return;
        }
        // Assigning the shared property itself: allowed for the rest of this activation (so the
        // workflow behaves as it would in a realm of its own), then undone and reported.
        const original = value;
        changed.push({ label: describe(object) + String(key), undo() { value = original; } });
        value = newValue;
      },
      enumerable: descriptor.enumerable,
      configurable: false,
    });
  }

  // Writable data that engines read directly (Error.stackTraceLimit is read without invoking
  // accessors) stays a plain writable property and is compared against its value at hardening.
  const watched = [];

  // Only objects of this realm are hardened; host objects reachable from it are none of its business.
  const ownRealm = (object) => object === Object.prototype || object instanceof Object;

  const locked = new Set();

  function lockContainer(object) {
    if (locked.has(object) || !ownRealm(object)) return;
    locked.add(object);
    const tamed = tamedOn.get(object) || [];
    for (const key of Reflect.ownKeys(object)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
      if ('value' in descriptor && descriptor.writable && (tamed.includes(key) || tamedEverywhere.includes(key))) {
        tame(object, key, descriptor);
      } else if ('value' in descriptor && descriptor.writable && typeof descriptor.value !== 'function' && (descriptor.value === null || typeof descriptor.value !== 'object')) {
        watched.push({ object, key, value: descriptor.value });
      } else if (descriptor.configurable) {
        Object.defineProperty(object, key, 'value' in descriptor ? { writable: false, configurable: false } : { configurable: false });
      } else if ('value' in descriptor && descriptor.writable) {
        Object.defineProperty(object, key, { writable: false });
      }
      const value = 'value' in descriptor ? descriptor.value : undefined;
      if (typeof value === 'function') {
        if (value.prototype && typeof value.prototype === 'object') lockContainer(value.prototype);
        if (/^[A-Z]/.test(typeof key === 'string' ? key : '')) lockContainer(value);
        else leaves.add(value);
      } else if (value !== null && typeof value === 'object' && value !== globalThis) {
        lockContainer(value);
      }
      for (const accessor of [descriptor.get, descriptor.set]) if (accessor) leaves.add(accessor);
    }
    // Additions to a shared built-in throw at once ("object is not extensible"); the host spots
    // that failure and moves the workflow type to a realm of its own. Scanning every built-in for
    // additions after each activation would cost more than the activation itself.
    Object.preventExtensions(object);
  }

  function harden() {
    const globalKeys = new Set(Reflect.ownKeys(globalThis));
    for (const key of globalKeys) {
      if (typeof key === 'string' && skipped.has(key)) continue;
      const descriptor = Reflect.getOwnPropertyDescriptor(globalThis, key);
      // Always a complete descriptor: Node's global interceptors would turn a partial one into a
      // property holding undefined.
      if (descriptor.configurable) {
        Object.defineProperty(globalThis, key, 'value' in descriptor
          ? { value: descriptor.value, enumerable: descriptor.enumerable, writable: false, configurable: false }
          : { get: descriptor.get, set: descriptor.set, enumerable: descriptor.enumerable, configurable: false });
      }
      const value = descriptor.value;
      if (typeof value === 'function') {
        lockContainer(value);
        if (value.prototype && typeof value.prototype === 'object') lockContainer(value.prototype);
      } else if (value !== null && typeof value === 'object') {
        lockContainer(value);
      }
    }
    for (const leaf of leaves) {
      if (!locked.has(leaf) && ownRealm(leaf)) {
        try { Object.freeze(leaf); } catch { /* some host functions cannot be frozen; they carry no state */ }
      }
    }
    globalBaseline = globalKeys;
  }

  // Anything workflow code added to the global object or changed in a watched built-in property is
  // undone and reported before any other execution runs; the host then moves the offending
  // workflow type into realms of its own.
  function detectLeaks() {
    let leaks;
    for (const change of changed.splice(0)) {
      change.undo();
      (leaks || (leaks = [])).push(change.label);
    }
    for (const { object, key, value } of watched) {
      if (Object.is(object[key], value)) continue;
      (leaks || (leaks = [])).push(describe(object) + String(key));
      object[key] = value;
    }
    // The global object cannot be made non-extensible (the vm module owns it): compare its keys.
    const now = Reflect.ownKeys(globalThis);
    if (globalBaseline !== undefined && now.length !== globalBaseline.size) {
      for (const key of now) {
        if (globalBaseline.has(key)) continue;
        (leaks || (leaks = [])).push('globalThis.' + String(key));
        try { delete globalThis[key]; } catch { /* a non-configurable addition stays; the realm is then retired */ }
      }
    }
    return leaks;
  }

  function describe(object) {
    const ctor = Object.prototype.hasOwnProperty.call(object, 'constructor') ? object.constructor : undefined;
    if (typeof ctor === 'function' && ctor.prototype === object) return ctor.name + '.prototype.';
    if (typeof object === 'function') return object.name + '.';
    return '(built-in object).';
  }

  return {
    promisePrototype: Promise.prototype,
    newSlot() { return { activator: undefined, userModules: undefined, executionMap: undefined }; },
    switchTo(slot) { current = slot; },
    setPending(session) { pending = session; },
    // A stack captured in this realm, for the stack trace queries: V8 records the frames now and
    // formats them (source-mapped, by this realm's prepareStackTrace) only when \`stack\` is read.
    // Deep enough to get past the workflow runtime's own frames.
    captureStack() {
      const holder = {};
      const limit = Error.stackTraceLimit;
      try { Error.stackTraceLimit = 40; } catch { /* frozen in a hardened realm: keep the default */ }
      try { Error.captureStackTrace(holder); return holder; }
      finally { try { Error.stackTraceLimit = limit; } catch { /* as above */ } }
    },
    invoke(fn, args) { return globalThis.__TEMPORAL__.api[fn](...args); },
    harden,
    detectLeaks,
  };
})`;

/** Source of the one call script every host→realm call goes through. */
export const callSource = `__temporal_invoke()`;
