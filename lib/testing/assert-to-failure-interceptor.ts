/**
 * A workflow interceptor module (listed in `workflowInterceptorModules`) that turns a failed
 * `assert` in workflow code into a non-retryable `ApplicationFailure` of type `AssertionError`, so a
 * test sees the workflow fail at once instead of its workflow task being retried until the timeout.
 *
 * @example
 * ```ts
 * import { workflowInterceptorModules } from 'temporal-native/testing';
 * const worker = await Worker.create({ connection, taskQueue, workflowsPath, interceptors: { workflowModules: workflowInterceptorModules } });
 * ```
 */
import { ApplicationFailure, type WorkflowInterceptors } from '@temporalio/workflow';

/**
 * `assert` errors are recognised by name, not `instanceof`: the `assert` module workflows get may be
 * the host's, whose errors come from another realm than the workflow's `Error`.
 */
function asFailure(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AssertionError') {
    const { message } = error as { message?: unknown };
    return ApplicationFailure.create({ message: typeof message === 'string' ? message : 'assertion failed', type: 'AssertionError', nonRetryable: true });
  }
  return error;
}

/** The factory the worker calls for each workflow execution. */
export function interceptors(): WorkflowInterceptors {
  return {
    inbound: [
      {
        async execute(input, next) {
          try {
            return await next(input);
          } catch (error) {
            throw asFailure(error);
          }
        },
        async handleSignal(input, next) {
          try {
            return await next(input);
          } catch (error) {
            throw asFailure(error);
          }
        },
      },
    ],
  };
}
