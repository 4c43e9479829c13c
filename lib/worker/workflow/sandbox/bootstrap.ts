/**
 * Source of the script that furnishes a fresh workflow context before the bundle runs. It executes
 * *inside* the context, so every object it creates (console, constructor facades, prototypes)
 * belongs to that context's realm: a workflow that mutates `URL.prototype` or `console` changes its
 * own copy and nothing else. The host hands over only functions, through the `host` argument.
 *
 * Compiled once per process and run in each context.
 */
export const bootstrapSource = String.raw`(function bootstrap(host) {
  'use strict';
  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });

  // A per-context constructor whose instances carry the host class's internal slots (so the host
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
  // are disabled when the workflow is disposed so they do not pin the context's objects.
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
  return Promise.prototype;
})`;

/** Source of the one call script every host→sandbox call goes through. */
export const callSource = `__TEMPORAL__.api[__temporal_call.fn].apply(undefined, __temporal_call.args)`;
