import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../lib/core/errors';
import type { CoreConnection, CoreRuntime } from '../../lib/core/types';
import { connectionOptions, fakeRuntime, settledStats } from './fake-core';

interface ConnectionState {
  targetUrl: string;
  clientName: string;
  clientVersion: string;
  identity: string;
  apiKey: string;
  metadata: Record<string, string>;
  binaryMetadataHex: Record<string, string>;
  tls: { serverRootCaCert: string; domain: string; clientCert: string; clientPrivateKey: string } | null;
  retry: Record<string, number> | null;
  call: { retry: boolean; timeoutMs: number; metadata: Record<string, string>; binaryMetadataHex: Record<string, string> };
}

async function connectionState(connection: CoreConnection, options = {}): Promise<ConnectionState> {
  const bytes = await connection.rpcCall('test', 'ConnectionState', new Uint8Array(), options);
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as ConnectionState;
}

describe('native connection on the fake core', () => {
  let runtime: CoreRuntime;
  let connection: CoreConnection;

  beforeAll(async () => {
    runtime = await fakeRuntime();
    connection = await runtime.connect(connectionOptions);
  });

  afterAll(async () => {
    await connection.close();
    await runtime.close();
  });

  it('answers an rpcCall with the response bytes', async () => {
    const response = await connection.rpcCall('test', 'Echo', Buffer.from('ping'));
    expect(Buffer.from(response).toString()).toBe('ping');
  });

  it('answers an empty request with an empty response', async () => {
    const response = await connection.rpcCall('workflow', 'GetSystemInfo', new Uint8Array());
    expect(response.byteLength).toBe(0);
  });

  it('rejects a failing rpcCall with a CoreError carrying gRPC code, message and details', async () => {
    const details = Uint8Array.from([8, 5, 18, 3, 110, 111, 112]);
    const error = await connection
      .rpcCall('test', 'Fail', details, { metadata: { 'fake-status-code': '5', 'fake-message': 'workflow not found' } })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CoreError);
    expect(error).toMatchObject({ code: 5, message: 'workflow not found' });
    expect(Array.from((error as CoreError).details!)).toEqual(Array.from(details));
  });

  it('rejects a non-gRPC core failure with the core message and no code', async () => {
    const error = await connection.rpcCall('test', 'NoSuchRpc', new Uint8Array()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CoreError);
    expect(error).toMatchObject({ code: undefined, details: undefined, message: 'Unknown RPC call NoSuchRpc' });
  });

  it('passes every connect option to the core', async () => {
    const other = await runtime.connect({
      ...connectionOptions,
      address: 'temporal.example:7233',
      apiKey: 'secret-key',
      metadata: { tenant: 'blue' },
      binaryMetadata: { 'trace-bin': Uint8Array.from([0, 10, 255]) },
      tls: {
        serverRootCaCert: Buffer.from('ROOT CA'),
        serverNameOverride: 'server.example',
        clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
      },
      retry: {
        initialIntervalMs: 100,
        randomizationFactor: 0.2,
        multiplier: 1.5,
        maxIntervalMs: 5000,
        maxElapsedTimeMs: 10000,
        maxRetries: 7,
      },
    });
    const state = await connectionState(other);
    expect(state).toMatchObject({
      targetUrl: 'https://temporal.example:7233',
      clientName: connectionOptions.clientName,
      clientVersion: connectionOptions.clientVersion,
      identity: connectionOptions.identity,
      apiKey: 'secret-key',
      metadata: { tenant: 'blue' },
      binaryMetadataHex: { 'trace-bin': '000aff' },
      tls: { serverRootCaCert: 'ROOT CA', domain: 'server.example', clientCert: 'CERT', clientPrivateKey: 'KEY' },
      retry: {
        initialIntervalMs: 100,
        randomizationFactor: 0.2,
        multiplier: 1.5,
        maxIntervalMs: 5000,
        maxElapsedTimeMs: 10000,
        maxRetries: 7,
      },
    });
    await other.close();
  });

  it('passes per-call retry, timeout and metadata to the core', async () => {
    const state = await connectionState(connection, { retry: true, timeoutMs: 1234, metadata: { 'x-call': 'yes' } });
    expect(state.call).toEqual({ retry: true, timeoutMs: 1234, metadata: { 'x-call': 'yes' }, binaryMetadataHex: {} });
  });

  it('updates metadata, binary metadata and the API key of a live connection', async () => {
    const other = await runtime.connect(connectionOptions);
    other.updateMetadata({ region: 'eu' });
    other.updateBinaryMetadata({ 'blob-bin': Uint8Array.from([1, 2]) });
    other.updateApiKey('rotated');
    expect(await connectionState(other)).toMatchObject({
      metadata: { region: 'eu' },
      binaryMetadataHex: { 'blob-bin': '0102' },
      apiKey: 'rotated',
    });
    other.updateApiKey(undefined);
    expect((await connectionState(other)).apiKey).toBe('');
    await other.close();
  });

  it('refuses metadata containing a newline with a TypeError naming the entry', () => {
    expect(() => connection.updateMetadata({ bad: 'a\nb' })).toThrow(TypeError);
    expect(() => connection.updateMetadata({ bad: 'a\nb' })).toThrow(/"bad"/);
  });

  it('rejects a connect with invalid options that the core refuses synchronously', async () => {
    const error = await runtime
      .connect({ ...connectionOptions, address: 'ftp://localhost:1' })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as Error).message).toContain('Invalid target URL');
  });

  it('rejects a connect the core fails asynchronously', async () => {
    await expect(runtime.connect({ ...connectionOptions, address: 'unreachable.invalid:1' })).rejects.toThrow(
      /connection refused/,
    );
  });

  it('refuses a connect option of the wrong type with a TypeError naming the field', async () => {
    await expect(runtime.connect({ ...connectionOptions, identity: 7 as unknown as string })).rejects.toThrow(
      /ConnectionOptions\.identity must be a string/,
    );
  });

  it('rejects with CANCELLED and the abort reason when the signal aborts an in-flight call', async () => {
    const controller = new AbortController();
    const pending = connection.rpcCall('test', 'Hang', new Uint8Array(), { signal: controller.signal });
    const reason = new Error('user gave up');
    controller.abort(reason);
    const error = await pending.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CoreError);
    expect(error).toMatchObject({ code: 1 });
    expect((error as CoreError).cause).toBe(reason);
  });

  it('rejects without reaching the core when the signal is already aborted', async () => {
    const before = await settledStats(connection);
    const controller = new AbortController();
    controller.abort();
    await expect(connection.rpcCall('test', 'Echo', new Uint8Array(), { signal: controller.signal })).rejects.toMatchObject({
      code: 1,
    });
    const after = await settledStats(connection);
    expect(after.tokens).toBe(before.tokens);
  });

  it('rejects, rather than strands, a call whose signal refuses the abort listener', async () => {
    const hostile = {
      aborted: false,
      addEventListener() {
        throw new Error('no listeners here');
      },
      removeEventListener() {},
    } as unknown as AbortSignal;
    await expect(connection.rpcCall('test', 'Hang', new Uint8Array(), { signal: hostile })).rejects.toThrow(
      'no listeners here',
    );
    expect(await settledStats(connection)).toMatchObject({ tokens: 0, rpcsInFlight: 0 });
  });

  it('rejects with DEADLINE_EXCEEDED when the core times a call out', async () => {
    await expect(connection.rpcCall('test', 'Hang', new Uint8Array(), { timeoutMs: 5 })).rejects.toMatchObject({ code: 4 });
  });

  it('keeps the abort listener off the signal once the call has finished', async () => {
    const controller = new AbortController();
    await connection.rpcCall('test', 'Echo', new Uint8Array(), { signal: controller.signal });
    // Aborting afterwards must not reach a freed call.
    controller.abort();
    const state = await settledStats(connection);
    expect(state.tokens).toBe(0);
  });

  it('refuses calls on a closed connection while letting its in-flight calls finish', async () => {
    const other = await runtime.connect(connectionOptions);
    const inFlight = other.rpcCall('test', 'Echo', Buffer.from('late'), { metadata: { 'fake-delay-ms': '5' } });
    await other.close();
    expect(Buffer.from(await inFlight).toString()).toBe('late');
    await expect(other.rpcCall('test', 'Echo', new Uint8Array())).rejects.toThrow(/connection is closed/);
  });

  it('leaves no byte array, token or extra handle behind', async () => {
    const state = await settledStats(connection);
    expect(state).toMatchObject({ byteArrays: 0, tokens: 0, rpcsInFlight: 0 });
  });
});
