export { bundleWorkflowCode, bundleCacheLookup } from './bundle-workflow-code';
export { DisallowedModuleError, WorkflowBundleError, type DisallowedImport } from './errors';
export { allowedBuiltinModules, hostOnlyPackages } from './module-policy';
export type { BundleOptions, WorkflowBundle } from './types';
