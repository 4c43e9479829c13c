/**
 * The types a workflow function gives its handle: `result()` resolves to what the workflow returns,
 * and the arguments are its parameters; a workflow named by a string gives `unknown`.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { Workflow } from '@temporalio/common';
import type { WorkflowArgs, WorkflowResultType } from '../../lib/client/workflow-handle';

async function greet(name: string, times: number): Promise<string> {
  return `${name} ${times}`;
}

async function nothing(): Promise<void> {}

describe('workflow handle types', () => {
  it('a workflow function gives its own result type', () => {
    expectTypeOf<WorkflowResultType<typeof greet>>().toEqualTypeOf<string>();
    expectTypeOf<WorkflowResultType<typeof nothing>>().toEqualTypeOf<void>();
  });

  it('a workflow function gives its own parameters', () => {
    expectTypeOf<WorkflowArgs<typeof greet>>().toEqualTypeOf<[name: string, times: number]>();
    expectTypeOf<WorkflowArgs<typeof nothing>>().toEqualTypeOf<[]>();
  });

  it('a workflow named by a string gives unknown', () => {
    expectTypeOf<WorkflowResultType<Workflow>>().toEqualTypeOf<unknown>();
    expectTypeOf<WorkflowArgs<Workflow>>().toEqualTypeOf<unknown[]>();
  });
});
