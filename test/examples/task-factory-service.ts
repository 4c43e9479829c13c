/**
 * Runs the task factory (examples/task-factory/main.js) as its own process, the way it is deployed,
 * against the test's Temporal server, and talks to it over its HTTP API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'examples/task-factory/main.js');
const START_TIMEOUT_MS = 90_000;

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export interface ServiceProcess {
  url: string;
  pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGKILL: no shutdown code runs, as when a machine dies. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
  call<T = unknown>(method: string, route: string, body?: unknown): Promise<ApiResponse<T>>;
}

/** A fresh directory for one service's app database. */
export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `task-factory-${label}-`));
}

export async function api<T = unknown>(url: string, method: string, route: string, body?: unknown): Promise<ApiResponse<T>> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Starts the service on a free port with TEMPORAL_ADDRESS = `address`; resolves once its API listens. */
export function startServiceProcess(options: { address: string; dbPath: string; app: string }): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, [MAIN, '--port', '0', '--db', options.dbPath, '--app', options.app], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: options.address },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the task factory did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /admin API: (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        const url = m[1];
        resolve({
          url,
          pid: child.pid!,
          output: () => output,
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
          call: (method, route, body) => api(url, method, route, body),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the task factory exited (${code}) before it listened:\n${output}`));
    });
  });
}

/** Polls `read` until `done` holds; throws with the last value after `timeoutMs`. */
export async function waitUntil<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value).slice(0, 2000)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Row shapes of the API's answers, as the tests read them. */
export interface RunRow {
  workflow_id: string;
  definition_id: string;
  definition_version: number | null;
  source: string;
  fire_time: string | null;
  dedupe_key: string | null;
  status: 'running' | 'completed' | 'failed';
  tasks_planned: number | null;
  tasks_automated: number | null;
  tasks_human: number | null;
}

export interface TaskRow {
  id: number;
  run_workflow_id: string;
  task_key: string;
  kind: 'automated' | 'human';
  title: string;
  assignee?: string;
  status: 'open' | 'done';
  attempts: number;
}

export interface DefinitionRow {
  id: string;
  version: number;
  enabled: boolean;
  paused: boolean;
  timezone: string;
  jitter_ms: number;
  trigger: { type: 'cron'; cron: string } | { type: 'event'; event_type: string };
}

export interface ErrorBody {
  error: { code: string; field?: string; message: string };
}
