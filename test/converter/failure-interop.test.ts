import { describe, expect, test } from 'vitest';
import * as official from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  NexusOperationFailure,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
} from '../../lib/common';
import { DefaultFailureConverter, defaultPayloadConverter } from '../../lib/converter';
import { failureBytes } from './wire';

const ours = new DefaultFailureConverter();
const theirs = new official.DefaultFailureConverter();
const pc = defaultPayloadConverter;
const opc = official.defaultPayloadConverter;

/** What a receiver sees: the failure after a trip through protobuf bytes. */
function overTheWire(failure: temporal.api.failure.v1.IFailure): temporal.api.failure.v1.IFailure {
  return temporal.api.failure.v1.Failure.decode(failureBytes(failure));
}

/** Gives an error a fixed stack so both converters see the same text. */
function withStack<E extends Error>(error: E, stack: string): E {
  error.stack = stack;
  return error;
}

/** The same failure tree built from either SDK's classes. */
function buildActivityFailure(lib: typeof official | { [K in keyof typeof official]?: unknown }) {
  const l = lib as typeof official;
  const root = withStack(
    l.ApplicationFailure.create({
      message: 'card declined',
      type: 'CardDeclined',
      nonRetryable: true,
      details: [{ code: 51 }, 'second detail'],
      nextRetryDelay: '10s',
      category: 'BENIGN',
    }),
    'ApplicationFailure: card declined\n    at charge (/app/activities.ts:10:11)',
  );
  return withStack(
    new l.ActivityFailure('activity task failed', 'charge', 'act-1', 'NON_RETRYABLE_FAILURE', 'worker-1@host', root),
    'ActivityFailure: activity task failed\n    at Activator (/app/workflow.ts:3:4)',
  );
}

const oursLib = { ActivityFailure, ApplicationFailure } as unknown as typeof official;

describe('errors → failures give the same bytes as @temporalio/common', () => {
  test('an ActivityFailure caused by an ApplicationFailure with details, delay and category', () => {
    expect(failureBytes(ours.errorToFailure(buildActivityFailure(oursLib), pc))).toEqual(
      failureBytes(theirs.errorToFailure(buildActivityFailure(official), opc)),
    );
  });

  test('an ApplicationFailure created with the official class converts to the same bytes with our converter', () => {
    const error = buildActivityFailure(official);
    expect(failureBytes(ours.errorToFailure(error, pc))).toEqual(failureBytes(theirs.errorToFailure(error, opc)));
  });

  test('a ChildWorkflowFailure caused by a TerminatedFailure', () => {
    const build = (l: typeof official) =>
      withStack(
        new l.ChildWorkflowFailure('default', { workflowId: 'child', runId: 'run-1' }, 'childWorkflow', 'RETRY_POLICY_NOT_SET', withStack(new l.TerminatedFailure('terminated by ops'), '')),
        'ChildWorkflowFailure: Child Workflow execution failed',
      );
    const oursError = build({ ChildWorkflowFailure, TerminatedFailure } as unknown as typeof official);
    expect(failureBytes(ours.errorToFailure(oursError, pc))).toEqual(failureBytes(theirs.errorToFailure(build(official), opc)));
  });

  test('a TimeoutFailure with last heartbeat details', () => {
    const oursError = withStack(new TimeoutFailure('heartbeat timeout', { progress: 70 }, 'HEARTBEAT'), 's');
    const theirError = withStack(new official.TimeoutFailure('heartbeat timeout', { progress: 70 }, 'HEARTBEAT'), 's');
    expect(failureBytes(ours.errorToFailure(oursError, pc))).toEqual(failureBytes(theirs.errorToFailure(theirError, opc)));
  });

  test('a CancelledFailure with details', () => {
    const oursError = withStack(new CancelledFailure('cancelled', ['why']), 's');
    const theirError = withStack(new official.CancelledFailure('cancelled', ['why']), 's');
    expect(failureBytes(ours.errorToFailure(oursError, pc))).toEqual(failureBytes(theirs.errorToFailure(theirError, opc)));
  });

  test('a ServerFailure', () => {
    const oursError = withStack(new ServerFailure('server said no', true), 's');
    const theirError = withStack(new official.ServerFailure('server said no', true), 's');
    expect(failureBytes(ours.errorToFailure(oursError, pc))).toEqual(failureBytes(theirs.errorToFailure(theirError, opc)));
  });

  test('a NexusOperationFailure', () => {
    const oursError = withStack(new NexusOperationFailure('op failed', 7, 'ep', 'svc', 'op', 'tok'), 's');
    const theirError = withStack(new official.NexusOperationFailure('op failed', 7, 'ep', 'svc', 'op', 'tok'), 's');
    expect(failureBytes(ours.errorToFailure(oursError, pc))).toEqual(failureBytes(theirs.errorToFailure(theirError, opc)));
  });

  test('with encodeCommonAttributes, message and stack move into encoded_attributes exactly as the official converter does', () => {
    const oursEncoding = new DefaultFailureConverter({ encodeCommonAttributes: true });
    const theirsEncoding = new official.DefaultFailureConverter({ encodeCommonAttributes: true });
    const oursFailure = oursEncoding.errorToFailure(buildActivityFailure(oursLib), pc);
    expect(oursFailure.message).toBe('Encoded failure');
    expect(oursFailure.stackTrace).toBe('');
    expect(failureBytes(oursFailure)).toEqual(failureBytes(theirsEncoding.errorToFailure(buildActivityFailure(official), opc)));
  });

  test('a plain Error gives the bytes the official worker reports for it (ensureApplicationFailure, then convert)', () => {
    const error = withStack(new TypeError('bad input'), 'TypeError: bad input\n    at parse (/app/a.ts:1:1)');
    expect(failureBytes(ours.errorToFailure(error, pc))).toEqual(
      failureBytes(theirs.errorToFailure(official.ensureApplicationFailure(error), opc)),
    );
  });
});

describe('failures written by us decode with @temporalio/common', () => {
  const decoded = theirs.failureToError(overTheWire(ours.errorToFailure(buildActivityFailure(oursLib), pc)), opc);

  test('the outer error is the official ActivityFailure with its fields', () => {
    expect(decoded).toBeInstanceOf(official.ActivityFailure);
    expect(decoded).toMatchObject({
      message: 'activity task failed',
      activityType: 'charge',
      activityId: 'act-1',
      retryState: 'NON_RETRYABLE_FAILURE',
      identity: 'worker-1@host',
    });
  });

  test('the cause is the official ApplicationFailure with type, flags, details, category and stack', () => {
    const cause = (decoded as official.ActivityFailure).cause as official.ApplicationFailure;
    expect(cause).toBeInstanceOf(official.ApplicationFailure);
    expect(cause).toMatchObject({ message: 'card declined', type: 'CardDeclined', nonRetryable: true, details: [{ code: 51 }, 'second detail'], category: 'BENIGN' });
    expect(cause.stack).toBe('ApplicationFailure: card declined\n    at charge (/app/activities.ts:10:11)');
  });
});

describe('failures written by @temporalio/common decode with ours', () => {
  const decoded = ours.failureToError(overTheWire(theirs.errorToFailure(buildActivityFailure(official), opc)), pc);

  test('the outer error is our ActivityFailure with its fields and stack', () => {
    expect(decoded).toBeInstanceOf(ActivityFailure);
    expect(decoded).toMatchObject({ message: 'activity task failed', activityType: 'charge', activityId: 'act-1', retryState: 'NON_RETRYABLE_FAILURE', identity: 'worker-1@host' });
    expect(decoded.stack).toBe('ActivityFailure: activity task failed\n    at Activator (/app/workflow.ts:3:4)');
  });

  test('the cause is our ApplicationFailure with every field, including nextRetryDelay in ms', () => {
    const cause = (decoded as ActivityFailure).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({
      message: 'card declined',
      type: 'CardDeclined',
      nonRetryable: true,
      details: [{ code: 51 }, 'second detail'],
      nextRetryDelay: 10_000,
      category: 'BENIGN',
    });
  });

  test('decoded errors are also instances of the official classes (shared class brands)', () => {
    expect(decoded).toBeInstanceOf(official.ActivityFailure);
    expect(decoded).toBeInstanceOf(official.TemporalFailure);
    expect((decoded as ActivityFailure).cause).toBeInstanceOf(official.ApplicationFailure);
  });

  test('a decoded failure re-encodes to the bytes it was decoded from', () => {
    const wire = overTheWire(theirs.errorToFailure(buildActivityFailure(official), opc));
    expect(failureBytes(ours.errorToFailure(ours.failureToError(wire, pc), pc))).toEqual(failureBytes(wire));
  });

  test('encoded_attributes from an official sender restore message and stack trace', () => {
    const sender = new official.DefaultFailureConverter({ encodeCommonAttributes: true });
    const error = ours.failureToError(overTheWire(sender.errorToFailure(buildActivityFailure(official), opc)), pc);
    expect(error.message).toBe('activity task failed');
    expect(error.stack).toBe('ActivityFailure: activity task failed\n    at Activator (/app/workflow.ts:3:4)');
  });
});

describe('failure kinds', () => {
  test.each([
    ['TerminatedFailure', () => new TerminatedFailure('terminated'), TerminatedFailure],
    ['ServerFailure', () => new ServerFailure('boom', false), ServerFailure],
    ['CancelledFailure', () => new CancelledFailure('stop', [1, 2]), CancelledFailure],
    ['TimeoutFailure', () => new TimeoutFailure('late', undefined, 'START_TO_CLOSE'), TimeoutFailure],
    ['ChildWorkflowFailure', () => new ChildWorkflowFailure('ns', { workflowId: 'c', runId: 'r' }, 'child', 'TIMEOUT'), ChildWorkflowFailure],
    ['NexusOperationFailure', () => new NexusOperationFailure('nexus', 3, 'ep', 'svc', 'op', undefined), NexusOperationFailure],
    ['TemporalFailure', () => new TemporalFailure('base'), TemporalFailure],
  ] as const)('a %s round-trips to the same class and fields', (_name, make, Class) => {
    const original = make();
    const decoded = ours.failureToError(overTheWire(ours.errorToFailure(original, pc)), pc);
    expect(decoded.constructor).toBe(Class);
    expect({ ...decoded, failure: undefined }).toEqual({ ...original, failure: undefined });
  });

  test('a plain Error becomes an ApplicationFailure typed with the class name, keeping message and stack', () => {
    class InventoryError extends Error {}
    const error = withStack(new InventoryError('out of stock'), 'InventoryError: out of stock\n    at reserve (/app/a.ts:2:2)');
    const decoded = ours.failureToError(overTheWire(ours.errorToFailure(error, pc)), pc) as ApplicationFailure;
    expect(decoded).toBeInstanceOf(ApplicationFailure);
    expect(decoded).toMatchObject({ message: 'out of stock', type: 'InventoryError', nonRetryable: false });
    expect(decoded.stack).toBe('InventoryError: out of stock\n    at reserve (/app/a.ts:2:2)');
  });

  test('an Error cause chain is preserved as nested failures', () => {
    const error = new Error('outer', { cause: new RangeError('inner') });
    const decoded = ours.failureToError(overTheWire(ours.errorToFailure(error, pc)), pc) as ApplicationFailure;
    expect(decoded.cause).toBeInstanceOf(ApplicationFailure);
    expect(decoded.cause).toMatchObject({ message: 'inner', type: 'RangeError' });
  });

  test('a thrown string becomes a failure whose message says a non-Error was thrown', () => {
    const failure = ours.errorToFailure('disk full', pc);
    expect(failure.message).toMatch(/^disk full \[a non-Error value \(string\) was thrown/);
    expect(failure.applicationFailureInfo?.type).toBe('Error');
  });

  test('a thrown plain object is described as JSON in the message', () => {
    expect(ours.errorToFailure({ code: 7 }, pc).message).toMatch(/^\{"code":7\} \[a non-Error value \(object\)/);
  });

  test('stack frames of the SDK that ran the activity are cut off', () => {
    const error = withStack(
      new Error('x'),
      [
        'Error: x',
        '    at myActivity (/app/activities.ts:5:9)',
        '    at callActivity (/work/main/lib/worker/activity/activity-execution.ts:61:60)',
        '    at ActivityExecution.executeInContext (/work/main/lib/worker/activity/activity-execution.ts:67:27)',
      ].join('\n'),
    );
    expect(ours.errorToFailure(error, pc).stackTrace).toBe('Error: x\n    at myActivity (/app/activities.ts:5:9)');
  });

  test('a Nexus handler failure from the server is kept intact when the decoded error is re-thrown', () => {
    const wire = overTheWire({
      message: 'nexus handler failed',
      nexusHandlerFailureInfo: { type: 'INTERNAL', retryBehavior: 1 },
    });
    const decoded = ours.failureToError(wire, pc);
    expect(decoded).toBeInstanceOf(TemporalFailure);
    expect(failureBytes(ours.errorToFailure(decoded, pc))).toEqual(failureBytes(wire));
  });
});
