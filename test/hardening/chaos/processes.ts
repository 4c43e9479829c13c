/**
 * The child processes of the chaos test: the dev server (`temporal-native dev-server --db FILE`, the
 * CLI bundled from lib/cli.ts) on a fixed port so that a restart comes back where clients and workers
 * expect it, and worker processes (worker-process.ts under vite-node). Both are SIGKILLed by the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const viteNode = path.join(root, 'node_modules', 'vite-node', 'vite-node.mjs');
const workerScript = path.join(__dirname, 'worker-process.ts');

/** A port that was free a moment ago (the server must come back on the same one after each kill). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface Child {
  readonly process: ChildProcess;
  /** Everything it printed, stdout and stderr, for failure messages. */
  output(): string;
  /** Resolves when it has exited (at once if it already has). */
  exited(): Promise<void>;
  /** How it ended if it exited without `kill` or `stop` being called (a crash), else undefined. */
  unexpectedExit(): string | undefined;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM, then wait for the exit; SIGKILL after `graceMs`. Resolves to the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Spawns a process and resolves once its output matches `ready`; rejects if it exits first. */
function spawnUntil(command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, what: string): Promise<Child> {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let ended = false;
  let unexpected: string | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!ended) unexpected = `${what} (pid ${child.pid}) exited by itself (${code ?? signal}):\n${output.slice(-4000)}`;
      resolve();
    }),
  );
  const handle: Child = {
    process: child,
    output: () => output,
    exited: () => exit,
    unexpectedExit: () => unexpected,
    kill: async () => {
      ended = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
    stop: async (graceMs = 15_000) => {
      ended = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
      return child.exitCode;
    },
  };
  return new Promise((resolve, reject) => {
    let resolved = false;
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (!resolved && ready.test(output)) {
        resolved = true;
        resolve(handle);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!resolved) reject(new Error(`${what} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}

/** Starts the dev server CLI (`cliPath`, a bundle of lib/cli.ts) on `port` with `--db dbPath`. */
export function startServerProcess(cliPath: string, port: number, dbPath: string): Promise<Child> {
  return spawnUntil(process.execPath, [cliPath, 'dev-server', '--port', String(port), '--db', dbPath], {}, /listening on /, 'the dev server');
}

export interface WorkerEnv {
  address: string;
  taskQueue: string;
  workflowBundle: string;
  effectsDb: string;
}

/** Starts a chaos worker process; resolves once it is about to poll. */
export function startWorkerProcess(env: WorkerEnv): Promise<Child> {
  return spawnUntil(
    process.execPath,
    [viteNode, workerScript],
    { CHAOS_ADDRESS: env.address, CHAOS_TASK_QUEUE: env.taskQueue, CHAOS_WORKFLOW_BUNDLE: env.workflowBundle, CHAOS_EFFECTS_DB: env.effectsDb },
    /worker ready/,
    'a chaos worker',
  );
}
