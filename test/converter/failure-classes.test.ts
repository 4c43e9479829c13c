import { describe, expect, test } from 'vitest';
import * as official from '@temporalio/common';
import {
  ApplicationFailure,
  CancelledFailure,
  TemporalFailure,
  ValueError,
  decodeRetryState,
  encodeRetryState,
  encodeTimeoutType,
  ensureApplicationFailure,
  ensureTemporalFailure,
  rootCause,
} from '../../lib/common';

describe('ApplicationFailure factories', () => {
  test('create() is retryable unless nonRetryable is set', () => {
    expect(ApplicationFailure.create({ message: 'm' }).nonRetryable).toBe(false);
  });

  test('retryable() defaults the type to Error and keeps the details', () => {
    expect(ApplicationFailure.retryable('busy', undefined, 1, 'two')).toMatchObject({ type: 'Error', nonRetryable: false, details: [1, 'two'] });
  });

  test('nonRetryable() sets nonRetryable and the given type', () => {
    expect(ApplicationFailure.nonRetryable('gone', 'NotFound')).toMatchObject({ type: 'NotFound', nonRetryable: true });
  });

  test('fromError() wraps an Error with its class name as type, then applies overrides', () => {
    const failure = ApplicationFailure.fromError(new RangeError('too big'), { nonRetryable: true });
    expect(failure).toMatchObject({ message: 'too big', type: 'RangeError', nonRetryable: true });
  });

  test('the error name is the class name', () => {
    expect(new CancelledFailure('c').name).toBe('CancelledFailure');
  });
});

describe('compatibility with @temporalio/common classes', () => {
  test('an official ApplicationFailure is an instance of ours', () => {
    expect(official.ApplicationFailure.create({ message: 'x' })).toBeInstanceOf(ApplicationFailure);
  });

  test('our ApplicationFailure is an instance of the official class', () => {
    expect(ApplicationFailure.create({ message: 'x' })).toBeInstanceOf(official.ApplicationFailure);
  });

  test('a CancelledFailure is not mistaken for an ApplicationFailure', () => {
    expect(new CancelledFailure('c')).not.toBeInstanceOf(official.ApplicationFailure);
  });

  test('ensureApplicationFailure returns an official ApplicationFailure unchanged', () => {
    const error = official.ApplicationFailure.nonRetryable('n');
    expect(ensureApplicationFailure(error)).toBe(error);
  });

  test('an unbranded user subclass keeps ordinary instanceof semantics', () => {
    class MyFailure extends ApplicationFailure {}
    expect(new MyFailure('m')).toBeInstanceOf(ApplicationFailure);
    expect(ApplicationFailure.create({})).not.toBeInstanceOf(MyFailure);
  });
});

describe('helpers', () => {
  test('ensureTemporalFailure keeps a TemporalFailure and wraps anything else', () => {
    const cancelled = new CancelledFailure('c');
    expect(ensureTemporalFailure(cancelled)).toBe(cancelled);
    expect(ensureTemporalFailure(new Error('e'))).toBeInstanceOf(ApplicationFailure);
  });

  test('ensureApplicationFailure describes a non-Error value in the message', () => {
    expect(ensureApplicationFailure(42).message).toMatch(/^42 \[a non-Error value \(number\) was thrown/);
  });

  test('rootCause returns the innermost message', () => {
    expect(rootCause(new TemporalFailure('outer', new TemporalFailure('middle', new Error('root'))))).toBe('root');
  });
});

describe('enums', () => {
  test('short and full proto names encode to the same number', () => {
    expect(encodeRetryState('TIMEOUT')).toBe(3);
    expect(encodeRetryState('RETRY_STATE_TIMEOUT' as never)).toBe(3);
  });

  test('0 decodes to undefined and unknown numbers to unknown_<n>', () => {
    expect(decodeRetryState(0)).toBeUndefined();
    expect(decodeRetryState(99)).toBe('unknown_99');
  });

  test('an invalid name is refused with a ValueError naming the enum and the choices', () => {
    expect(() => encodeTimeoutType('FOREVER' as never)).toThrow(ValueError);
    expect(() => encodeTimeoutType('FOREVER' as never)).toThrow(/Invalid TimeoutType: 'FOREVER' \(expected one of START_TO_CLOSE/);
  });
});
