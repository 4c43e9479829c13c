/**
 * Thrown when a call into a workflow's sandbox ran longer than `isolateExecutionTimeoutMs` (for
 * example a `while (true) {}` in workflow code). The activation fails its workflow task; the worker
 * keeps running.
 *
 * @example
 * ```ts
 * if (error instanceof SandboxTimeoutError) logger.warn(`workflow code ran over ${error.timeoutMs} ms`);
 * ```
 */
export class SandboxTimeoutError extends Error {
  override readonly name = 'SandboxTimeoutError';
  constructor(
    readonly timeoutMs: number,
    readonly call: string,
  ) {
    super(`Workflow code did not return within ${timeoutMs} ms (in ${call}); is there an infinite loop?`);
  }
}

/** Thrown when a sandbox is used after it was destroyed (the workflow was evicted). */
export class SandboxDestroyedError extends Error {
  override readonly name = 'SandboxDestroyedError';
  constructor(readonly runId: string) {
    super(`The sandbox of workflow run ${runId} was already destroyed`);
  }
}
