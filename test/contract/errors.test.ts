/**
 * The core layer's error classes: one family, each reporting its own name.
 */
import { describe, expect, it } from 'vitest';
import { CoreError, WorkerStateError } from '../../lib/core';

describe('core errors', () => {
  it('CoreError carries the gRPC code and the status details bytes', () => {
    const details = new Uint8Array([8, 5]);
    const err = new CoreError('not found', { code: 5, details });
    expect(err.code).toBe(5);
    expect(err.details).toBe(details);
    expect(err.message).toBe('not found');
  });

  it('a subclass reports its own name, in name, toString and the stack', () => {
    const err = new WorkerStateError('worker is finalized');
    expect(err.name).toBe('WorkerStateError');
    expect(String(err)).toBe('WorkerStateError: worker is finalized');
    expect(err.stack?.split('\n')[0]).toBe('WorkerStateError: worker is finalized');
    expect(err).toBeInstanceOf(CoreError);
  });

  it('CoreError itself is named CoreError', () => {
    expect(new CoreError('x').name).toBe('CoreError');
  });

  it('keeps the cause it was given', () => {
    const cause = new Error('root');
    expect(new CoreError('wrapped', { cause }).cause).toBe(cause);
  });

  it('accepts an assigned name without throwing', () => {
    const err = new CoreError('x');
    err.name = 'Renamed';
    expect(err.name).toBe('Renamed');
    expect(new CoreError('y').name).toBe('CoreError');
  });
});
