/** Virtual module names the workflow runtime `require`s for user-supplied converters. */
export const payloadConverterModule = '__temporal_custom_payload_converter';
export const failureConverterModule = '__temporal_custom_failure_converter';

/** Name of the global the bundle assigns its exports to; `worker-interface.js` reads it back. */
export const bundleGlobalName = '__TEMPORAL__';

export interface EntryInputs {
  /** Absolute path (file or folder) of the user's workflows module. */
  workflowsPath: string;
  /** Module specifiers (absolute paths or package names) exporting `interceptors()` factories. */
  interceptorModules: readonly string[];
}

/**
 * Generates the bundle's entry point. It must install the deterministic global overrides before any
 * user code runs, and it must load the workflows and interceptor modules lazily: the runtime only
 * imports them from `initRuntime`, after the per-execution activator exists, so that module-level
 * code in user files already sees a workflow context.
 */
export function entrySource({ workflowsPath, interceptorModules }: EntryInputs): string {
  const interceptorRequires = interceptorModules.map((m) => `require(${JSON.stringify(m)})`).join(', ');
  return [
    `const api = require('@temporalio/workflow/lib/worker-interface.js');`,
    `require('@temporalio/workflow/lib/global-overrides.js').overrideGlobals();`,
    `module.exports = {`,
    `  api,`,
    `  importWorkflows: () => require(${JSON.stringify(workflowsPath)}),`,
    `  importInterceptors: () => [${interceptorRequires}],`,
    `};`,
    '',
  ].join('\n');
}
