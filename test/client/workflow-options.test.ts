import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../lib/client/errors';
import { compileWorkflowOptions, definitionName, workflowTypeName } from '../../lib/client/workflow-options';

const base = { taskQueue: 'q', workflowId: 'w' };

function refusal(fn: () => unknown): InvalidOptionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect(err).toBeInstanceOf(TypeError);
    return err as InvalidOptionError;
  }
  throw new Error('expected the options to be refused');
}

describe('workflow start options', () => {
  it('refuses a missing taskQueue, naming the field', () => {
    const err = refusal(() => compileWorkflowOptions({ workflowId: 'w' } as never));
    expect(err.field).toBe('taskQueue');
    expect(err.message).toMatch(/^taskQueue /);
  });

  it('refuses a workflowId that is not a string', () => {
    expect(refusal(() => compileWorkflowOptions({ taskQueue: 'q', workflowId: 42 } as never)).field).toBe('workflowId');
  });

  it('refuses an empty workflowId', () => {
    expect(refusal(() => compileWorkflowOptions({ taskQueue: 'q', workflowId: '' })).field).toBe('workflowId');
  });

  it('refuses a negative timeout', () => {
    const err = refusal(() => compileWorkflowOptions({ ...base, workflowRunTimeout: -5 }));
    expect(err.field).toBe('workflowRunTimeout');
    expect(err.message).toMatch(/negative/);
  });

  it('refuses an unparseable duration string', () => {
    expect(refusal(() => compileWorkflowOptions({ ...base, startDelay: 'soon' })).field).toBe('startDelay');
  });

  it('refuses an unknown reuse policy string and lists the known ones', () => {
    const err = refusal(() => compileWorkflowOptions({ ...base, workflowIdReusePolicy: 'SOMETIMES' as never }));
    expect(err.field).toBe('workflowIdReusePolicy');
    expect(err.message).toContain('ALLOW_DUPLICATE');
  });

  it('refuses an unknown conflict policy number', () => {
    expect(refusal(() => compileWorkflowOptions({ ...base, workflowIdConflictPolicy: 99 })).field).toBe('workflowIdConflictPolicy');
  });

  it('refuses args that are not an array', () => {
    expect(refusal(() => compileWorkflowOptions({ ...base, args: 'x' as never })).field).toBe('args');
  });

  it('refuses a retry policy with a backoff coefficient below 1', () => {
    expect(refusal(() => compileWorkflowOptions({ ...base, retry: { backoffCoefficient: 0.5 } })).field).toBe(
      'retry.backoffCoefficient',
    );
  });

  it('refuses a retry policy whose maximum interval is shorter than its initial interval', () => {
    expect(
      refusal(() => compileWorkflowOptions({ ...base, retry: { initialInterval: '10s', maximumInterval: '1s' } })).field,
    ).toBe('retry.maximumInterval');
  });

  it('refuses a typed search attribute whose value does not match its type', () => {
    const err = refusal(() =>
      compileWorkflowOptions({ ...base, typedSearchAttributes: [{ key: { name: 'CustomIntField', type: 'INT' }, value: 'x' }] }),
    );
    expect(err.field).toBe('typedSearchAttributes.CustomIntField');
  });

  it('accepts the official short policy names', () => {
    const compiled = compileWorkflowOptions({
      ...base,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    expect(compiled.workflowIdReusePolicy).toBe(1);
    expect(compiled.workflowIdConflictPolicy).toBe(2);
  });

  it('accepts full proto policy names and enum numbers', () => {
    const compiled = compileWorkflowOptions({
      ...base,
      workflowIdReusePolicy: 'WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE',
      workflowIdConflictPolicy: 3,
    });
    expect(compiled.workflowIdReusePolicy).toBe(3);
    expect(compiled.workflowIdConflictPolicy).toBe(3);
  });

  it('turns duration strings and millisecond numbers into proto durations', () => {
    const compiled = compileWorkflowOptions({ ...base, workflowRunTimeout: '1 minute', workflowTaskTimeout: 1500 });
    expect(Number(compiled.workflowRunTimeout?.seconds)).toBe(60);
    expect(Number(compiled.workflowTaskTimeout?.seconds)).toBe(1);
    expect(compiled.workflowTaskTimeout?.nanos).toBe(500_000_000);
  });

  it('encodes typed search attributes as JSON payloads with their type in the metadata', () => {
    const compiled = compileWorkflowOptions({
      ...base,
      typedSearchAttributes: [{ key: { name: 'CustomKeywordField', type: 'KEYWORD' }, value: 'gold' }],
    });
    const payload = compiled.searchAttributes?.indexedFields?.CustomKeywordField;
    expect(new TextDecoder().decode(payload?.data ?? undefined)).toBe('"gold"');
    expect(new TextDecoder().decode(payload?.metadata?.type)).toBe('Keyword');
  });
});

describe('names of workflows, signals, queries and updates', () => {
  it('takes the workflow type from a named function', () => {
    async function orderWorkflow(): Promise<void> {}
    expect(workflowTypeName(orderWorkflow)).toBe('orderWorkflow');
  });

  it('refuses an anonymous workflow function', () => {
    expect(refusal(() => workflowTypeName((() => async () => undefined)())).field).toBe('workflowType');
  });

  it('takes a signal name from a definition object', () => {
    expect(definitionName({ name: 'addItem' }, 'signal')).toBe('addItem');
  });

  it('refuses an empty query name', () => {
    expect(refusal(() => definitionName('', 'query')).field).toBe('query');
  });
});
