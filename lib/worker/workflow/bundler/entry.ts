/** Virtual module names the workflow runtime `require`s for user-supplied converters. */
export const payloadConverterModule = '__temporal_custom_payload_converter';
export const failureConverterModule = '__temporal_custom_failure_converter';

/** Global the runtime part of the bundle assigns its exports to; `worker-interface.js` reads it back. */
export const bundleGlobalName = '__TEMPORAL__';
/** Global holding the factory that evaluates a fresh set of user modules. */
export const userFactoryGlobalName = '__TEMPORAL_USER_FACTORY__';
/** Function the sandbox installs: returns the user modules of the execution being created. */
export const currentUserModulesGlobalName = '__temporal_user_modules';

const userExportsName = '__temporal_user_exports';

/**
 * Entry of the *user* part of the bundle: the workflows module and the interceptor modules, with
 * everything they import except the shared runtime packages. This part is wrapped in a factory so
 * each workflow execution gets its own module instances — module-level state is per execution by
 * construction, whether executions share a realm or not.
 */
export function userEntrySource(
  workflowsPath: string,
  interceptorModules: readonly string[],
  converters: { payloadConverterPath?: string; failureConverterPath?: string } = {},
): string {
  const interceptors = interceptorModules.map((m) => `require(${JSON.stringify(m)})`).join(', ');
  // The converter modules are user modules too: a converter that knows the workflows' classes must
  // see the same class objects as the workflow code, so it is instantiated with them.
  const converter = (path: string | undefined): string => (path === undefined ? 'undefined' : `require(${JSON.stringify(path)})`);
  return (
    `module.exports = { workflows: require(${JSON.stringify(workflowsPath)}), interceptors: [${interceptors}], ` +
    `payloadConverterModule: ${converter(converters.payloadConverterPath)}, failureConverterModule: ${converter(converters.failureConverterPath)} };\n`
  );
}

/**
 * What the runtime gets for `require('__temporal_custom_payload_converter')` (and the failure one):
 * the export of the current execution's instance of the converter module, read when the runtime
 * initialises the execution.
 */
export function converterProxySource(exportName: 'payloadConverter' | 'failureConverter'): string {
  const moduleKey = `${exportName}Module`;
  return [
    `Object.defineProperty(module.exports, ${JSON.stringify(exportName)}, {`,
    `  enumerable: true,`,
    `  get() {`,
    `    const m = globalThis.${currentUserModulesGlobalName}().${moduleKey};`,
    `    return m === undefined ? undefined : m.${exportName};`,
    `  },`,
    `});`,
    '',
  ].join('\n');
}

/**
 * Entry of the *runtime* part: `@temporalio/workflow`'s worker interface, its deterministic global
 * overrides (installed before any user code runs), and every runtime module the user part imports,
 * served to the user factory through `requireShared`. The runtime keeps per-workflow state on its
 * activator, never in modules, which is what makes it safe to share.
 */
export function runtimeEntrySource(sharedSpecifiers: readonly string[]): string {
  const shared = sharedSpecifiers.map((s) => `  ${JSON.stringify(s)}: () => require(${JSON.stringify(s)}),`).join('\n');
  return [
    `const api = require('@temporalio/workflow/lib/worker-interface.js');`,
    `const { overrideGlobals } = require('@temporalio/workflow/lib/global-overrides.js');`,
    // The overrides keep one Map of timer scopes (for clearTimeout) keyed by timer sequence number,
    // which restarts at 0 in every execution. Constructed while \`Map\` is the sandbox's per-execution
    // map, it can be shared by executions without their entries colliding.
    `const RealmMap = globalThis.Map;`,
    `globalThis.Map = globalThis.__temporal_ExecutionMap || RealmMap;`,
    `try { overrideGlobals(); } finally { globalThis.Map = RealmMap; }`,
    `const shared = {`,
    shared,
    `};`,
    `module.exports = {`,
    `  api,`,
    `  requireShared(specifier) {`,
    `    const load = Object.prototype.hasOwnProperty.call(shared, specifier) ? shared[specifier] : undefined;`,
    `    if (load === undefined) throw new Error('Module ' + JSON.stringify(specifier) + ' is not part of the workflow bundle');`,
    `    return load();`,
    `  },`,
    `  importWorkflows: () => globalThis.${currentUserModulesGlobalName}().workflows,`,
    `  importInterceptors: () => globalThis.${currentUserModulesGlobalName}().interceptors,`,
    `};`,
    '',
  ].join('\n');
}

/** Options of the user build that make its output a `var` the wrapper below can return. */
export const userGlobalName = userExportsName;

/**
 * Joins both parts into one script. Returns the line at which the user part starts, for the index
 * source map.
 */
export function joinParts(runtimeCode: string, userCode: string): { code: string; userLineOffset: number } {
  const runtime = runtimeCode.endsWith('\n') ? runtimeCode : runtimeCode + '\n';
  const user = userCode.endsWith('\n') ? userCode : userCode + '\n';
  const header = `var ${userFactoryGlobalName} = function (require) {\n`;
  const userLineOffset = runtime.split('\n').length - 1 + 1;
  return { code: `${runtime}${header}${user}return ${userExportsName};\n};\n`, userLineOffset };
}
