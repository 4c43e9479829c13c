import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundle } from '../../lib/worker/workflow/bundler';
import { WorkflowCache } from '../../lib/worker/workflow/workflow-cache';
import { WorkflowRunner } from '../../lib/worker/workflow/workflow-runner';
import { ActivationBuilder } from './helpers/activations';

class Entry {
  disposed = false;
  dispose(): void {
    this.disposed = true;
  }
}

function cache(maxEntries: number, heapUsed = () => 0, maxHeapBytes = 1_000) {
  const evictions: [string, string][] = [];
  const c = new WorkflowCache<Entry>({ maxEntries, maxHeapBytes, heapUsed, heapCheckIntervalMs: 0, onEvict: (runId, _e, reason) => evictions.push([runId, reason]) });
  return { c, evictions };
}

describe('WorkflowCache', () => {
  it('evicts the least recently used entry when the count is exceeded, and reports it', () => {
    const { c, evictions } = cache(2);
    const a = new Entry();
    c.set('a', a);
    c.set('b', new Entry());
    c.get('a');
    c.set('c', new Entry());
    expect(c.trim()).toEqual(['b']);
    expect(evictions).toEqual([['b', 'cache-full']]);
    expect(a.disposed).toBe(false);
    expect([c.has('a'), c.has('b'), c.has('c')]).toEqual([true, false, true]);
  });

  it('never evicts an entry pinned by an activation in flight', () => {
    const { c } = cache(1);
    c.set('a', new Entry());
    c.pin('a');
    c.set('b', new Entry());
    expect(c.trim()).toEqual(['b']);
    c.unpin('a');
    c.set('c', new Entry());
    expect(c.trim()).toEqual(['a']);
  });

  it('evicts idle entries under memory pressure instead of letting the heap grow', () => {
    let used = 500;
    const { c, evictions } = cache(100, () => used, 1_000);
    for (const id of ['a', 'b', 'c', 'd']) c.set(id, new Entry());
    expect(c.trim()).toEqual([]);
    used = 1_400; // 350 per entry: two evictions bring the estimate back under 1 000
    expect(c.trim()).toEqual(['a', 'b']);
    expect(evictions.map(([, reason]) => reason)).toEqual(['memory-pressure', 'memory-pressure']);
  });

  it('refuses a negative maxCachedWorkflows with a message naming the option', () => {
    expect(() => cache(-1)).toThrow(/'maxCachedWorkflows'/);
  });
});

describe('WorkflowRunner cache', () => {
  let bundle: WorkflowBundle;
  beforeAll(async () => {
    bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'workflows.ts'), cacheDir: false });
  });

  it('keeps at most maxCachedWorkflows sleeping workflows and reports the evicted run', async () => {
    const evicted: string[] = [];
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test', maxCachedWorkflows: 2, onEvict: (runId) => evicted.push(runId) });
    for (const runId of ['lru-1', 'lru-2', 'lru-3']) await runner.activate(new ActivationBuilder(runId).start('sleeper', [60_000]));
    expect(evicted).toEqual(['lru-1']);
    expect(runner.cachedWorkflows).toBe(2);
    expect(runner.isCached('lru-1')).toBe(false);
  });
});
