/**
 * Connection settings the caller leaves out take the core's own defaults on both backends, so no
 * zero-initialised option silently turns keepalive, DNS load balancing or compression off; and a
 * retry limit of 0 means "do not retry", whatever the core makes of a 0.
 */
import { describe, expect, it } from 'vitest';
import { neonClientOptions } from '../../lib/core/neon/build-options';
import { CORE_CONNECTION_DEFAULTS, validateConnectionOptions } from '../../lib/core/options';

const base = { identity: 'defaults@test', clientName: 'temporal-native', clientVersion: '0.1.0', address: '127.0.0.1:7233' } as const;
const retry = { initialIntervalMs: 100, randomizationFactor: 0.2, multiplier: 1.7, maxIntervalMs: 5000, maxElapsedTimeMs: 10_000, maxRetries: 10 };

describe('connection defaults', () => {
  it('keeps HTTP/2 keepalive on with the core default interval and timeout', () => {
    expect(validateConnectionOptions(base).keepAlive).toEqual({ intervalMs: 30_000, timeoutMs: 15_000 });
  });

  it('keeps DNS load balancing on with the core default resolution interval', () => {
    const resolved = validateConnectionOptions(base);
    expect(resolved.dnsLoadBalancing).toEqual({ resolutionIntervalMs: 30_000 });
    expect(neonClientOptions(resolved).dnsLoadBalancingConfig).toEqual({ resolutionIntervalMillis: 30_000 });
  });

  it('compresses with gzip by default, also to a loopback server, as the official SDK does', () => {
    const resolved = validateConnectionOptions(base);
    expect(resolved.grpcCompression).toBe('gzip');
    expect(neonClientOptions(resolved).grpcCompression.codec).toBe('gzip');
  });

  it('turns compression off only when asked', () => {
    const resolved = validateConnectionOptions({ ...base, grpcCompression: 'none' });
    expect(neonClientOptions(resolved).grpcCompression.codec).toBe('none');
  });

  it('keeps the payload and memo size warnings at the core defaults', () => {
    const neon = neonClientOptions(validateConnectionOptions(base));
    expect(neon.payloadsWarnSize).toBe(CORE_CONNECTION_DEFAULTS.payloadsWarnSize);
    expect(neon.memoWarnSize).toBe(CORE_CONNECTION_DEFAULTS.memoWarnSize);
  });

  it('switches keepalive and DNS load balancing off with false', () => {
    const resolved = validateConnectionOptions({ ...base, keepAlive: false, dnsLoadBalancing: false });
    expect(resolved.keepAlive).toBe(false);
    expect(resolved.dnsLoadBalancing).toBe(false);
  });

  it('refuses an unknown compression naming the field', () => {
    expect(() => validateConnectionOptions({ ...base, grpcCompression: 'brotli' })).toThrow(/connection options.grpcCompression/);
  });
});

describe('retry limits', () => {
  it('reads maxRetries 0 as "no retries" instead of the core\'s "unlimited"', () => {
    const resolved = validateConnectionOptions({ ...base, retry: { ...retry, maxRetries: 0 } });
    expect(resolved.retriesDisabled).toBe(true);
    expect(resolved.retry).toBeUndefined();
  });

  it('reads maxElapsedTimeMs 0 as "no retries" instead of the core\'s "no limit"', () => {
    const resolved = validateConnectionOptions({ ...base, retry: { ...retry, maxElapsedTimeMs: 0 } });
    expect(resolved.retriesDisabled).toBe(true);
  });

  it('passes Infinity to the core as its "unlimited" 0', () => {
    const resolved = validateConnectionOptions({ ...base, retry: { ...retry, maxRetries: Infinity, maxElapsedTimeMs: Infinity } });
    expect(resolved.retriesDisabled).toBe(false);
    expect(resolved.retry).toMatchObject({ maxRetries: 0, maxElapsedTimeMs: 0 });
  });

  it('passes finite limits through unchanged', () => {
    expect(validateConnectionOptions({ ...base, retry }).retry).toMatchObject({ maxRetries: 10, maxElapsedTimeMs: 10_000 });
  });
});
