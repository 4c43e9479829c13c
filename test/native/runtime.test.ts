import { describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createNativeRuntime as createBackend, findCoreLibrary } from '../../lib/core/native';
import { validateRuntimeOptions } from '../../lib/core/options';
import type { RuntimeOptions } from '../../lib/core/types';

const createNativeRuntime = (options: RuntimeOptions) => createBackend(validateRuntimeOptions(options));
import { CoreError } from '../../lib/core/errors';
import type { CoreLogRecord } from '../../lib/core/types';
import { spawnSync } from 'node:child_process';
import { ADDON, connectionOptions, FAKE_CORE, fakeRuntime, settledStats, uniqueTaskQueue, workerOptions } from './fake-core';

describe('native runtime on the fake core', () => {
  it('finds an explicitly given library and only that one', () => {
    expect(findCoreLibrary(FAKE_CORE)).toBe(FAKE_CORE);
    expect(findCoreLibrary('/nonexistent/libtemporalio_sdk_core_c_bridge.so')).toBeUndefined();
  });

  it('finds the library named by TEMPORAL_CORE_LIBRARY when no explicit path is given', () => {
    expect(findCoreLibrary(undefined, { TEMPORAL_CORE_LIBRARY: FAKE_CORE })).toBe(FAKE_CORE);
  });

  it('rejects with a CoreError naming the path when the library does not exist', async () => {
    const missing = '/nonexistent/libtemporalio_sdk_core_c_bridge.so';
    await expect(createNativeRuntime({ coreLibraryPath: missing })).rejects.toThrow(CoreError);
    await expect(createNativeRuntime({ coreLibraryPath: missing })).rejects.toThrow(missing);
  });

  it('rejects with a CoreError naming the path when the file is not a loadable library', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tn-lib-'));
    const bogus = path.join(dir, 'libtemporalio_sdk_core_c_bridge.so');
    writeFileSync(bogus, 'not an ELF file');
    const error = await createNativeRuntime({ coreLibraryPath: bogus }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as Error).message).toContain(bogus);
  });

  it('rejects with a CoreError naming the missing entry point when the library lacks a symbol', async () => {
    // libc is a real shared library without any temporal_core_* symbol.
    const error = await createNativeRuntime({ coreLibraryPath: '/lib/x86_64-linux-gnu/libc.so.6' }).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(CoreError);
    expect((error as Error).message).toContain('temporal_core_runtime_new');
    expect(((error as CoreError).cause as { symbol?: string }).symbol).toBe('temporal_core_runtime_new');
  });

  it('refuses a bad option with a TypeError or RangeError naming the field', async () => {
    await expect(fakeRuntime({ workerHeartbeatIntervalMs: 5 })).rejects.toThrow(/workerHeartbeatIntervalMs/);
    await expect(fakeRuntime({ logFilter: 42 as unknown as string })).rejects.toThrow(TypeError);
  });

  it('turns a runtime_new failure into a CoreError carrying the core message', async () => {
    await expect(fakeRuntime({ logFilter: 'invalid filter', logger: () => undefined })).rejects.toThrow(
      /invalid log filter/,
    );
  });

  it('forwards core log lines with level, target, message, timestamp and fields', async () => {
    const records: CoreLogRecord[] = [];
    const before = Date.now();
    const runtime = await fakeRuntime({ logFilter: 'fake=INFO', logger: (record) => records.push(record) });
    const connection = await runtime.connect(connectionOptions);
    await connection.rpcCall('test', 'Log', Buffer.from('a line from a core thread'), { metadata: { 'fake-level': '3' } });
    await settledStats(connection);

    const created = records.find((r) => r.message === 'Runtime created');
    expect(created).toMatchObject({ level: 'INFO', target: 'temporal_fake_core', fields: { filter: 'fake=INFO' } });
    const line = records.find((r) => r.message === 'a line from a core thread');
    expect(line).toMatchObject({
      level: 'WARN',
      target: 'temporal_fake_core',
      fields: { source: 'fake-core', rpc: 'Log', bytes: 25 },
    });
    expect(line!.timestampMs).toBeGreaterThanOrEqual(before - 1000);
    await connection.close();
    await runtime.close();
  });

  it('delivers log lines emitted synchronously inside a core call, after the call returns', async () => {
    const records: CoreLogRecord[] = [];
    const runtime = await fakeRuntime({ logger: (record) => records.push(record) });
    const connection = await runtime.connect(connectionOptions);
    const taskQueue = uniqueTaskQueue('sync-log');
    const worker = connection.createWorker(workerOptions(taskQueue));
    // worker_new logged on this very thread; the logger must not have been re-entered from C++.
    expect(records.some((r) => r.message === 'Worker created')).toBe(false);
    await settledStats(connection);
    expect(records.find((r) => r.message === 'Worker created')?.fields).toEqual({ taskQueue, namespace: 'default' });
    worker.initiateShutdown();
    expect(await worker.pollWorkflowActivation()).toBeNull();
    expect(await worker.pollActivityTask()).toBeNull();
    await worker.finalizeShutdown();
    await connection.close();
    await runtime.close();
  });

  it('refuses a second runtime with a logger while the first is alive, saying why', async () => {
    const first = await fakeRuntime({ logger: () => undefined });
    await expect(fakeRuntime({ logger: () => undefined })).rejects.toThrow(/only one runtime at a time can have an explicit logger/);
    await first.close();
  });

  it('lets any number of runtimes share the default logger beside one with an explicit logger', async () => {
    const defaults = [await fakeRuntime(), await fakeRuntime()];
    const explicit = await fakeRuntime({ logger: () => undefined });
    defaults.push(await fakeRuntime());
    await Promise.all([...defaults, explicit].map((runtime) => runtime.close()));
  });

  it('frees the runtime, its connections and their byte arrays once all are closed', async () => {
    const runtime = await fakeRuntime();
    const connection = await runtime.connect(connectionOptions);
    await connection.rpcCall('test', 'Echo', Buffer.from('x'));
    const observer = await fakeRuntime();
    const observerConnection = await observer.connect(connectionOptions);
    const before = await settledStats(observerConnection);
    await connection.close();
    await runtime.close();
    const after = await settledStats(observerConnection);
    expect(after.runtimes).toBe(before.runtimes - 1);
    expect(after.connections).toBe(before.connections - 1);
    expect(after.byteArrays).toBe(0);
    await observerConnection.close();
    await observer.close();
  });

  it('surfaces a throwing logger as an uncaught exception while every call still settles', () => {
    const script = `
      const addon = require(${JSON.stringify(ADDON)});
      const runtime = addon.createRuntime(${JSON.stringify(FAKE_CORE)}, {
        logger: (record) => { if (record.message === 'boom') throw new Error('logger failed'); },
      });
      const seen = [];
      process.on('uncaughtException', (err) => seen.push(err.message));
      runtime.connect(${JSON.stringify(connectionOptions)}).then(async (connection) => {
        const results = await Promise.all([
          connection.rpcCall('test', 'Log', Buffer.from('boom')),
          connection.rpcCall('test', 'Echo', Buffer.from('still answered')),
        ]);
        setTimeout(() => {
          console.log(JSON.stringify({ seen, echo: Buffer.from(results[1]).toString() }));
          connection.close();
          runtime.close();
        }, 20);
      });
    `;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ seen: ['logger failed'], echo: 'still answered' });
  });
});
