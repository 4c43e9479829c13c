/** A workflow bundle: one script that the sandbox evaluates in each workflow's context. */
export interface WorkflowBundle {
  /** The script. Evaluating it assigns the worker-interface API to `globalThis.__TEMPORAL__`. */
  code: string;
  /** Source map (JSON) of `code`, with absolute source paths, used to map workflow stack traces. */
  sourceMap?: string;
  /** Content hash of every input and option; stable across processes for the same inputs. */
  hash: string;
}

/** Options of {@link bundleWorkflowCode}. Paths may be relative to the current directory. */
export interface BundleOptions {
  /** The workflows module: a `.ts`/`.js` file, or a folder with an `index` file. */
  workflowsPath: string;
  /** Modules exporting an `interceptors()` factory (`WorkflowInterceptorsFactory`), in order. */
  workflowInterceptorModules?: string[];
  /** Module exporting `payloadConverter`, used inside the sandbox instead of the default one. */
  payloadConverterPath?: string;
  /** Module exporting `failureConverter`, used inside the sandbox instead of the default one. */
  failureConverterPath?: string;
  /** Imports that are present in the code but never executed in a workflow; they become empty modules. */
  ignoreModules?: string[];
  /**
   * Called with the esbuild options of the workflow code's build (the user part of the bundle);
   * returns the options to build with: add plugins, `define`, `alias`, loaders. The esbuild
   * equivalent of the official bundler's `webpackConfigHook`. Bundles built with a hook skip the
   * cache, since a function cannot be part of the cache key.
   *
   * @example
   * ```ts
   * await bundleWorkflowCode({ workflowsPath, esbuildConfigHook: (o) => ({ ...o, define: { ...o.define, 'process.env.STAGE': '"prod"' } }) });
   * ```
   */
  esbuildConfigHook?: (options: import('esbuild').BuildOptions) => import('esbuild').BuildOptions;
  /**
   * Folder for the on-disk bundle cache; `false` keeps the cache in memory only. Defaults to
   * `node_modules/.cache/temporal-native` of the nearest project, else the OS temp dir.
   */
  cacheDir?: string | false;
  /** Told when a bundle is built (info: size and time) or loaded from the cache (debug). */
  logger?: import('../../logger').Logger;
}
