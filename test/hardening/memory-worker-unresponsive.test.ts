/**
 * A worker whose server answers its polls slowly (an empty poll after a delay) or not at all keeps
 * its memory flat: the worker runs in its own process against a scripted gRPC server, and its RSS
 * after a full GC is sampled across the period; the last sample must be within 1.2x of the first
 * (taken after a warm-up). Then the worker still shuts down, and its run() settles.
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { temporal } from '@temporalio/proto';
import { afterEach, expect, it } from 'vitest';
import { ScriptedServer, type Answer } from '../contract/scripted-server';
import { recordReliability, reliabilityScale } from '../support/reliability';

const ws = temporal.api.workflowservice.v1;
const PERIOD_MS = reliabilityScale(12_000, 600_000);
const SAMPLES = 5;

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

interface Memory {
  rss: number;
  heapUsed: number;
}

async function workerAgainst(address: string): Promise<{ memory(): Promise<Memory>; stop(): Promise<{ settled: string; error?: string }> }> {
  const child = fork(path.join(__dirname, 'memory-worker-child.js'), [address, 'unresponsive'], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (m.error) reject(new Error(`worker child: ${String(m.error)}`));
        else if (key in m) {
          child.off('message', onMessage);
          resolve(m[key] as T);
        }
      };
      child.on('message', onMessage);
    });
  await next('ready');
  return {
    memory: () => {
      const reply = next<Memory>('memory');
      child.send('memory');
      return reply;
    },
    stop: () => {
      const reply = next<{ settled: string; error?: string }>('stopped');
      child.send('stop');
      return reply;
    },
  };
}

async function scriptedServer(poll: () => Answer): Promise<ScriptedServer> {
  const s = await ScriptedServer.start();
  s.on('DescribeNamespace', () => ({ ok: ws.DescribeNamespaceResponse.encode({ namespaceInfo: { name: 'default', state: 1 } }).finish() }));
  s.on('PollWorkflowTaskQueue', poll);
  s.on('PollActivityTaskQueue', poll);
  s.on('ShutdownWorker', () => ({ ok: ws.ShutdownWorkerResponse.encode({}).finish() }));
  return s;
}

async function sampleMemory(worker: { memory(): Promise<Memory> }): Promise<Memory[]> {
  const samples: Memory[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await new Promise((resolve) => setTimeout(resolve, PERIOD_MS / SAMPLES));
    samples.push(await worker.memory());
  }
  return samples;
}

const MODES: Record<string, () => Answer> = {
  'answers every poll late and empty': () => ({ delayMs: 200, answer: { ok: ws.PollWorkflowTaskQueueResponse.encode({}).finish() } }),
  'never answers a poll': () => ({ hang: true }),
};

for (const [mode, poll] of Object.entries(MODES)) {
  it(`keeps a worker's memory flat when the server ${mode}`, { timeout: PERIOD_MS + 120_000 }, async () => {
    server = await scriptedServer(poll);
    const worker = await workerAgainst(server.address);
    const samples = await sampleMemory(worker);
    const stopped = await worker.stop();
    const first = samples[0] as Memory;
    const last = samples[samples.length - 1] as Memory;
    recordReliability(`memory-worker-${mode.replace(/\s+/g, '-')}`, {
      periodSeconds: PERIOD_MS / 1000,
      polls: server.callsTo('PollWorkflowTaskQueue').length + server.callsTo('PollActivityTaskQueue').length,
      rssMB: samples.map((s) => Math.round(s.rss / 1e5) / 10),
      heapMB: samples.map((s) => Math.round(s.heapUsed / 1e5) / 10),
      run: stopped.settled,
    });
    expect(stopped.settled).toBe('resolved');
    expect(last.rss).toBeLessThanOrEqual(first.rss * 1.2);
    expect(last.heapUsed).toBeLessThanOrEqual(first.heapUsed * 1.2);
  });
}
