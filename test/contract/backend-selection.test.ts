/**
 * How `createRuntime` picks its backend: option, then `TEMPORAL_CORE_BACKEND`, then `auto`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError, availableBackends, createRuntime, selectBackend } from '../../lib/core';

describe('backend selection', () => {
  let savedEnv: string | undefined;

  beforeEach(() => {
    savedEnv = process.env.TEMPORAL_CORE_BACKEND;
    delete process.env.TEMPORAL_CORE_BACKEND;
  });

  afterEach(() => {
    if (savedEnv === undefined) delete process.env.TEMPORAL_CORE_BACKEND;
    else process.env.TEMPORAL_CORE_BACKEND = savedEnv;
  });

  it('auto picks native exactly when the C bridge library is found, neon otherwise', async () => {
    const expected = (await availableBackends()).includes('native') ? 'native' : 'neon';
    expect(await selectBackend()).toBe(expected);
  });

  it('TEMPORAL_CORE_BACKEND chooses the backend when the option is absent', async () => {
    process.env.TEMPORAL_CORE_BACKEND = 'neon';
    expect(await selectBackend()).toBe('neon');
    const runtime = await createRuntime();
    expect(runtime.backend).toBe('neon');
    await runtime.close();
  });

  it('the backend option wins over TEMPORAL_CORE_BACKEND', async () => {
    process.env.TEMPORAL_CORE_BACKEND = 'native';
    expect(await selectBackend({ backend: 'neon' })).toBe('neon');
  });

  it('an unknown TEMPORAL_CORE_BACKEND is a TypeError naming the variable', async () => {
    process.env.TEMPORAL_CORE_BACKEND = 'rust';
    await expect(createRuntime()).rejects.toThrow(TypeError);
    await expect(createRuntime()).rejects.toThrow(/^environment variable TEMPORAL_CORE_BACKEND must be one of "auto", "native", "neon" \(got "rust"\)/);
  });

  it('an unknown backend option is a TypeError naming the field', async () => {
    await expect(createRuntime({ backend: 'rust' as never })).rejects.toThrow(/^runtime options\.backend must be one of/);
  });

  it('explicit native with no library found is a CoreError that says where it looked', async () => {
    const missing = '/nonexistent/dir/libtemporalio_sdk_core_c_bridge.so';
    const savedLibrary = process.env.TEMPORAL_CORE_LIBRARY;
    process.env.TEMPORAL_CORE_LIBRARY = missing;
    try {
      const err = (await createRuntime({ backend: 'native', coreLibraryPath: missing }).catch((e: unknown) => e)) as CoreError;
      expect(err).toBeInstanceOf(CoreError);
      // Either the native module itself is absent from this checkout, or it searched and failed.
      expect(err.message).toMatch(/native backend could not be loaded|looked at: .*\/nonexistent\/dir\//);
    } finally {
      if (savedLibrary === undefined) delete process.env.TEMPORAL_CORE_LIBRARY;
      else process.env.TEMPORAL_CORE_LIBRARY = savedLibrary;
    }
  });
});

describe('runtime options', () => {
  it('a logger that is not a function is a TypeError naming the field', async () => {
    await expect(createRuntime({ backend: 'neon', logger: 'console' as never })).rejects.toThrow(/^runtime options\.logger must be a function/);
  });

  it('a worker heartbeat interval outside 1-60 s is a TypeError naming the field', async () => {
    await expect(createRuntime({ backend: 'neon', workerHeartbeatIntervalMs: 500 })).rejects.toThrow(
      /^runtime options\.workerHeartbeatIntervalMs must be 0 \(disabled\) or between 1000 and 60000/,
    );
  });

  it('an empty core library path is a TypeError naming the field', async () => {
    await expect(createRuntime({ coreLibraryPath: '' })).rejects.toThrow(/^runtime options\.coreLibraryPath must be a non-empty string/);
  });
});
