/**
 * Drop-in proof: each app under apps/ is written against the official packages (`@temporalio/client`,
 * `@temporalio/worker`, `@temporalio/activity`, `@temporalio/common`, `@temporalio/testing`). It runs
 * once as written, and once as a copy whose imports alone are changed to `temporal-native`; workflow
 * code keeps importing `@temporalio/workflow`, as it does with our SDK. Both runs must give the same
 * result, and that result must be the one the app expects.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProcess } from '../support/run-process';

export type Sdk = 'official' | 'temporal-native';

const HERE = __dirname;
export const APPS_DIR = path.join(HERE, 'apps');
/** Rewritten copies live inside the repository so `temporal-native` and `@temporalio/*` resolve. */
const GENERATED_DIR = path.join(HERE, '.generated');

/** The only change a user makes: the package names in their imports. */
const IMPORT_REWRITES: Array<[RegExp, string]> = [
  [/(['"])@temporalio\/(client|worker|common)\1/g, '$1temporal-native$1'],
  [/(['"])@temporalio\/activity\1/g, '$1temporal-native/activity$1'],
  [/(['"])@temporalio\/testing\1/g, '$1temporal-native/testing$1'],
];

export function rewriteImports(source: string): string {
  return IMPORT_REWRITES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), source);
}

/** The app names (directory names), in order. */
export function appNames(): string[] {
  return fs
    .readdirSync(APPS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/**
 * The directory to run `app` from for `sdk`. For temporal-native, a copy with rewritten imports.
 * Workflow code (files whose name starts with `workflow`: workflows, workflow interceptor modules)
 * is copied unchanged: it runs in the sandbox, where `@temporalio/workflow` and `@temporalio/common`
 * are what both SDKs give it.
 */
export function appDirFor(app: string, sdk: Sdk): string {
  const source = path.join(APPS_DIR, app);
  if (sdk === 'official') return source;
  const target = path.join(GENERATED_DIR, app);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  for (const file of fs.readdirSync(source)) {
    const text = fs.readFileSync(path.join(source, file), 'utf8');
    fs.writeFileSync(path.join(target, file), file.startsWith('workflow') ? text : rewriteImports(text));
  }
  return target;
}

export interface AppRun {
  result: unknown;
  stdout: string;
  stderr: string;
}

/** Runs the app in a fresh Node process against `address` and returns what it resolved to. */
export async function runApp(app: string, sdk: Sdk, address: string): Promise<AppRun> {
  const dir = appDirFor(app, sdk);
  const taskQueue = `dropin-${app}-${sdk}`;
  const env = { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_CORE_LOG_LEVEL: process.env.TEMPORAL_CORE_LOG_LEVEL ?? 'ERROR' };
  const run = await runProcess(process.execPath, [path.join(HERE, 'run-app.js'), dir, taskQueue], { cwd: dir, env });
  const line = run.stdout.split('\n').find((l) => l.startsWith('DROPIN-RESULT '));
  if (run.status !== 0 || line === undefined) {
    throw new Error(`${app} on ${sdk} exited with ${run.status}:\n${run.stderr.slice(-4000)}\n${run.stdout.slice(-2000)}`);
  }
  return { result: JSON.parse(line.slice('DROPIN-RESULT '.length)) as unknown, stdout: run.stdout, stderr: run.stderr };
}

/** The result an app declares it must produce (`expected` next to `run` in app.js). */
export function expectedResult(app: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(APPS_DIR, app, 'expected.json')) as { result: unknown }).result;
}
