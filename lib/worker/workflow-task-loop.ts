import type { CompiledWorkflowOptions } from './options';

/** The workflow code a worker runs, bundled. */
export interface PreparedWorkflowBundle {
  readonly code: string;
  readonly sourceMap?: string;
}

/**
 * Loads or builds the workflow bundle before the core worker is created, so that a bundling error
 * rejects `Worker.create` instead of surfacing later.
 *
 * The workflow activation loop (`lib/worker/workflow/activation-loop`) is not part of this build
 * yet, so a worker asked to run workflows is refused here with an error that names the option,
 * rather than polling workflow tasks it could not execute.
 */
export async function prepareWorkflowBundle(options: CompiledWorkflowOptions): Promise<PreparedWorkflowBundle> {
  const option = options.workflowsPath !== undefined ? 'workflowsPath' : 'workflowBundle';
  throw new TypeError(
    `${option}: this build of temporal-native cannot run workflows in a Worker yet (the workflow activation loop is not available); ` +
      'run workflows with @temporalio/worker on the same task queue and serve only activities here',
  );
}
