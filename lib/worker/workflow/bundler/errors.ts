/** One import the workflow sandbox cannot honour, and the file that asked for it. */
export interface DisallowedImport {
  /** The specifier as written in the source, e.g. `fs` or `@temporalio/activity`. */
  module: string;
  /** Absolute path of the importing file. */
  importer: string;
}

/**
 * Thrown by {@link bundleWorkflowCode} when the options are wrong or esbuild cannot build the
 * workflow code. `field` names the option at fault when the problem is in the options.
 *
 * @example
 * ```ts
 * try { await bundleWorkflowCode({ workflowsPath: './nope' }); }
 * catch (e) { if (e instanceof WorkflowBundleError) console.error(e.field, e.message); }
 * ```
 */
export class WorkflowBundleError extends Error {
  override readonly name: string = 'WorkflowBundleError';
  constructor(
    message: string,
    /** The `bundleWorkflowCode` option that was wrong, when the error is about an option. */
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Thrown when workflow code (or a library it uses) imports a module that cannot run inside the
 * deterministic sandbox: a Node built-in other than `assert`, `url` and `util`, or a host-only
 * package (`@temporalio/activity`, `@temporalio/client`, `@temporalio/worker`, ...).
 *
 * @example
 * ```ts
 * try { await bundleWorkflowCode({ workflowsPath }); }
 * catch (e) { if (e instanceof DisallowedModuleError) for (const i of e.imports) console.error(i.importer, i.module); }
 * ```
 */
export class DisallowedModuleError extends WorkflowBundleError {
  override readonly name = 'DisallowedModuleError';
  constructor(readonly imports: readonly DisallowedImport[]) {
    super(
      'Workflow code imports modules that cannot run in the workflow sandbox:\n' +
        imports.map((i) => `  • '${i.module}' imported by ${i.importer}`).join('\n') +
        '\nWorkflows must be deterministic: move this code into an activity. If the import is never used at run ' +
        "time, list the module in Worker.create's bundlerOptions.ignoreModules (or bundleWorkflowCode's ignoreModules).",
    );
  }
}
