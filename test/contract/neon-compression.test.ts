/**
 * The neon backend compresses RPCs with gzip only when the server is not on this machine: over
 * loopback compression costs CPU at both ends and saves nothing.
 */
import { describe, expect, it } from 'vitest';
import { isLoopback, neonClientOptions } from '../../lib/core/neon/build-options';
import { validateConnectionOptions } from '../../lib/core/options';

const base = { identity: 'neon@test', clientName: 'temporal-native', clientVersion: '0.1.0' } as const;

function codecFor(address: string): string {
  return neonClientOptions(validateConnectionOptions({ ...base, address })).grpcCompression.codec;
}

describe('neon gRPC compression', () => {
  it('sends uncompressed requests to a loopback server', () => {
    expect(codecFor('127.0.0.1:7233')).toBe('none');
    expect(codecFor('localhost:7233')).toBe('none');
    expect(codecFor('[::1]:7233')).toBe('none');
  });

  it('keeps gzip for a server on another machine', () => {
    expect(codecFor('temporal.example.com:7233')).toBe('gzip');
    expect(codecFor('10.0.0.5:7233')).toBe('gzip');
  });

  it('does not mistake a host name that merely starts like a loopback address for loopback', () => {
    expect(isLoopback('http://127.example.com:7233')).toBe(false);
    expect(isLoopback('http://localhost.example.com:7233')).toBe(false);
  });
});
