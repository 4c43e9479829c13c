/**
 * The shared validation module: what reaches either backend, and the defaults it fills in.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WORKER_OPTIONS,
  normalizeAddress,
  validateConnectionOptions,
  validateRpcCall,
  validateWorkerOptions,
  workerOptionsWithDefaults,
} from '../../lib/core';

const base = { namespace: 'default', taskQueue: 'orders', buildId: 'v1' };
const connection = { identity: 'me', clientName: 'temporal-native', clientVersion: '0.1.0' };

describe('address normalisation', () => {
  it('prefixes host:port with http:// without TLS', () => {
    expect(normalizeAddress('localhost:7233', false)).toBe('http://localhost:7233');
  });

  it('prefixes host:port with https:// with TLS', () => {
    expect(normalizeAddress('ns.acct.tmprl.cloud:7233', true)).toBe('https://ns.acct.tmprl.cloud:7233');
  });

  it('accepts bracketed IPv6 literals', () => {
    expect(normalizeAddress('[::1]:7233', false)).toBe('http://[::1]:7233');
  });

  it('keeps a full URL as given', () => {
    expect(normalizeAddress('https://example.com:7233', true)).toBe('https://example.com:7233');
  });

  it('turns TLS on when an API key is given and tls is left out', () => {
    expect(validateConnectionOptions({ ...connection, address: 'cloud:7233', apiKey: 'k' }).targetUrl).toBe('https://cloud:7233');
  });

  it('keeps TLS off when an API key is given with tls: false', () => {
    expect(validateConnectionOptions({ ...connection, address: 'local:7233', apiKey: 'k', tls: false }).targetUrl).toBe('http://local:7233');
  });
});

describe('worker options', () => {
  it('workerOptionsWithDefaults fills everything but the identifying fields', () => {
    const options = workerOptionsWithDefaults(base);
    expect(options).toEqual({ ...DEFAULT_WORKER_OPTIONS, ...base });
    expect(validateWorkerOptions(options)).toEqual(options);
  });

  it('workerOptionsWithDefaults merges partial task types and slots', () => {
    const options = workerOptionsWithDefaults({ ...base, taskTypes: { activities: false }, slots: { workflow: 7 } });
    expect(options.taskTypes).toEqual({ ...DEFAULT_WORKER_OPTIONS.taskTypes, activities: false });
    expect(options.slots).toEqual({ ...DEFAULT_WORKER_OPTIONS.slots, workflow: 7 });
  });

  it('refuses a worker with no task type enabled', () => {
    const options = workerOptionsWithDefaults({ ...base, taskTypes: { workflows: false, activities: false, localActivities: false } });
    expect(() => validateWorkerOptions(options)).toThrow(/^worker options\.taskTypes must enable at least one/);
  });

  it('refuses local activities without workflows', () => {
    const options = workerOptionsWithDefaults({ ...base, taskTypes: { workflows: false, localActivities: true } });
    expect(() => validateWorkerOptions(options)).toThrow(/^worker options\.taskTypes\.localActivities requires taskTypes\.workflows/);
  });

  it('refuses nexus tasks, which the core layer cannot poll', () => {
    const options = workerOptionsWithDefaults({ ...base, taskTypes: { nexus: true } });
    expect(() => validateWorkerOptions(options)).toThrow(/^worker options\.taskTypes\.nexus must be false/);
  });

  it('refuses a zero slot count, naming the slot', () => {
    const options = workerOptionsWithDefaults({ ...base, slots: { activity: 0 } });
    expect(() => validateWorkerOptions(options)).toThrow(/^worker options\.slots\.activity must be an integer >= 1/);
  });

  it('refuses a single workflow poller while caching workflows', () => {
    const options = workerOptionsWithDefaults({ ...base, workflowTaskPollerBehavior: { simpleMaximum: 1 } });
    expect(() => validateWorkerOptions(options)).toThrow(/^worker options\.workflowTaskPollerBehavior\.simpleMaximum must be at least 2/);
  });

  it('refuses a missing task queue', () => {
    const { taskQueue: _omitted, ...rest } = workerOptionsWithDefaults(base);
    expect(() => validateWorkerOptions(rest)).toThrow(/^worker options\.taskQueue must be a non-empty string/);
  });

  it('refuses a fractional cache size', () => {
    expect(() => validateWorkerOptions({ ...workerOptionsWithDefaults(base), maxCachedWorkflows: 1.5 })).toThrow(
      /^worker options\.maxCachedWorkflows must be an integer >= 0/,
    );
  });
});

describe('rpcCall arguments', () => {
  it('defaults to no retry, no metadata and no deadline', () => {
    const call = validateRpcCall('workflow', 'GetSystemInfo', new Uint8Array(), undefined);
    expect(call).toEqual({ service: 'workflow', rpc: 'GetSystemInfo', request: new Uint8Array(), retry: false, metadata: {}, timeoutMs: 0, signal: undefined });
  });

  it('refuses an unknown service, naming it', () => {
    expect(() => validateRpcCall('history', 'X', new Uint8Array(), {})).toThrow(/^rpcCall service must be one of/);
  });

  it('refuses a method name that is not PascalCase', () => {
    expect(() => validateRpcCall('workflow', 'getSystemInfo', new Uint8Array(), {})).toThrow(/^rpcCall rpc must be a PascalCase/);
  });

  it('refuses a request that is not bytes', () => {
    expect(() => validateRpcCall('workflow', 'GetSystemInfo', {}, {})).toThrow(/^rpcCall request must be a Uint8Array/);
  });

  it('refuses a negative timeout', () => {
    expect(() => validateRpcCall('workflow', 'GetSystemInfo', new Uint8Array(), { timeoutMs: -1 })).toThrow(/^rpcCall options\.timeoutMs/);
  });

  it('refuses metadata values with a newline', () => {
    expect(() => validateRpcCall('workflow', 'GetSystemInfo', new Uint8Array(), { metadata: { a: 'x\ny' } })).toThrow(
      /^rpcCall options\.metadata\["a"\] must be a string of printable ASCII/,
    );
  });

  it('refuses a signal that is not an AbortSignal', () => {
    expect(() => validateRpcCall('workflow', 'GetSystemInfo', new Uint8Array(), { signal: {} })).toThrow(/^rpcCall options\.signal must be an AbortSignal/);
  });
});
