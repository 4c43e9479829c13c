/**
 * Replay on the core's replayer with our workflow activation loop: histories recorded on our worker
 * (and on the official one) replay cleanly against the code that produced them, in every form a
 * user holds a history; against edited code they raise DeterminismViolationError naming the event.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DeterminismViolationError as OfficialDeterminismViolationError } from '@temporalio/workflow';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeterminismViolationError,
  ReplayError,
  historyToJSON,
  runReplayHistories,
  runReplayHistory,
  type ReplayResult,
} from '../../lib/worker/replay';
import { Worker } from '../../lib/worker';
import { bundleWorkflowCode } from '../../lib/worker/workflow/bundler';
import { codec, fixtures, recordHistories, type RecordedHistories, type RecordedHistory } from './environment';

let recorded: RecordedHistories;
let jsonDir: string;

beforeAll(async () => {
  recorded = await recordHistories();
  jsonDir = await mkdtemp(path.join(tmpdir(), 'replay-histories-'));
});

afterAll(async () => {
  if (jsonDir) await rm(jsonDir, { recursive: true, force: true });
});

async function collect(results: AsyncIterable<ReplayResult>): Promise<ReplayResult[]> {
  const all: ReplayResult[] = [];
  for await (const result of results) all.push(result);
  return all;
}

function byType(workflowType: string): RecordedHistory {
  const found = recorded.ours.find((r) => r.workflowType === workflowType);
  if (!found) throw new Error(`no recorded history for ${workflowType}`);
  return found;
}

describe('replaying histories against the code that produced them', () => {
  it('each history recorded on the server in use replays cleanly with Worker.runReplayHistory', async () => {
    // Under TEMPORAL_TEST_SERVER=cli these histories come from the real Temporal server.
    const { kind, version } = recorded.server;
    console.log(`replaying ${recorded.ours.length + 3} histories recorded on the ${kind} server (${version})`);
    expect(recorded.ours.map((r) => r.workflowType).sort()).toEqual(['awaitApproval', 'greet', 'localAfterApproval', 'refuse', 'shoutAll', 'withPatch']);
    for (const { history, workflowId } of [...recorded.ours, recorded.open, recorded.official, recorded.encoded]) {
      expect(history.events?.length ?? 0).toBeGreaterThan(2);
      const options = history === recorded.encoded.history ? { workflowsPath: fixtures.original, dataConverter: { payloadCodecs: [codec] } } : { workflowsPath: fixtures.original };
      await expect(Worker.runReplayHistory(options, history, workflowId), workflowId).resolves.toBeUndefined();
    }
  });

  it('every history recorded on our worker replays cleanly, given as History objects', async () => {
    const results = await collect(runReplayHistories({ workflowsPath: fixtures.original }, recorded.ours));
    expect(results).toEqual(recorded.ours.map(({ workflowId }) => ({ workflowId, runId: expect.any(String) })));
  });

  it('every history saved as a JSON file replays cleanly', async () => {
    const files = await Promise.all(
      recorded.ours.map(async ({ workflowId, history }) => {
        const file = path.join(jsonDir, `${workflowId}.json`);
        await writeFile(file, historyToJSON(history, 2));
        return file;
      }),
    );
    const fromFiles = await Promise.all(files.map(async (file) => ({ workflowId: path.basename(file, '.json'), history: await readFile(file, 'utf8') })));
    const results = await collect(runReplayHistories({ workflowsPath: fixtures.original }, fromFiles));
    expect(results.map((r) => r.error)).toEqual(recorded.ours.map(() => undefined));
  });

  it('histories can come from an async iterable, e.g. streamed from files one at a time', async () => {
    async function* fromDisk() {
      for (const { workflowId, history } of recorded.ours) {
        const file = path.join(jsonDir, `stream-${workflowId}.json`);
        await writeFile(file, historyToJSON(history));
        yield { workflowId, history: JSON.parse(await readFile(file, 'utf8')) as { events: unknown[] } };
      }
    }
    const results = await collect(runReplayHistories({ workflowsPath: fixtures.original }, fromDisk()));
    expect(results.map((r) => [r.workflowId, r.error])).toEqual(recorded.ours.map(({ workflowId }) => [workflowId, undefined]));
  });

  it('a history in parsed JSON with the short enum names of older tools replays cleanly', async () => {
    const json = JSON.parse(historyToJSON(byType('greet').history)) as { events: Array<{ eventType: string }> };
    for (const event of json.events) {
      // EVENT_TYPE_ACTIVITY_TASK_SCHEDULED → ActivityTaskScheduled
      event.eventType = event.eventType
        .replace(/^EVENT_TYPE_/, '')
        .toLowerCase()
        .replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
    }
    await expect(runReplayHistory({ workflowsPath: fixtures.original }, json)).resolves.toBeUndefined();
  });

  it('encoded History bytes replay cleanly', async () => {
    const bytes = temporal.api.history.v1.History.encode(byType('shoutAll').history).finish();
    await expect(runReplayHistory({ workflowsPath: fixtures.original }, bytes)).resolves.toBeUndefined();
  });

  it('Worker.runReplayHistory and Worker.runReplayHistories replay like the module functions', async () => {
    await expect(Worker.runReplayHistory({ workflowsPath: fixtures.original }, byType('awaitApproval').history)).resolves.toBeUndefined();
    const results = await collect(Worker.runReplayHistories({ workflowsPath: fixtures.changed }, [byType('awaitApproval')]));
    expect(results[0].error).toBeInstanceOf(DeterminismViolationError);
  });

  it('a prebuilt bundle given as a file replays like workflowsPath', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: fixtures.original });
    const codePath = path.join(jsonDir, 'workflow-bundle.js');
    await writeFile(codePath, bundle.code);
    await expect(runReplayHistory({ workflowBundle: { codePath } }, byType('greet').history)).resolves.toBeUndefined();
  });

  it('the history of a workflow that is still running replays cleanly', async () => {
    await expect(runReplayHistory({ workflowsPath: fixtures.original }, recorded.open.history)).resolves.toBeUndefined();
  });

  it('a history cut at the task that schedules a local activity replays cleanly', async () => {
    const { history } = byType('localAfterApproval');
    const events = history.events ?? [];
    // The second task (after the signal) scheduled the local activity; end the history as it started.
    const secondTaskStarted = events.findIndex((e, i) => e.workflowTaskStartedEventAttributes && events.slice(0, i).some((p) => p.workflowExecutionSignaledEventAttributes));
    await expect(runReplayHistory({ workflowsPath: fixtures.original }, { events: events.slice(0, secondTaskStarted + 1) })).resolves.toBeUndefined();
  });

  it('a history recorded on the official worker replays cleanly on ours', async () => {
    await expect(runReplayHistory({ workflowsPath: fixtures.original }, recorded.official.history)).resolves.toBeUndefined();
  });
});

describe('payload codecs', () => {
  it('a history whose payloads were encoded replays cleanly with the same codec', async () => {
    const options = { workflowsPath: fixtures.original, dataConverter: { payloadCodecs: [codec] } };
    await expect(runReplayHistory(options, recorded.encoded.history)).resolves.toBeUndefined();
  });

  it('without the codec the workflow cannot read its input and the replay fails with a ReplayError', async () => {
    const err = await runReplayHistory({ workflowsPath: fixtures.original }, recorded.encoded.history).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayError);
    expect((err as Error).message).toMatch(/binary\/zlib/);
  });
});

describe('workflow interceptors', () => {
  it('interceptor modules run during replay (one that renames an activity breaks determinism)', async () => {
    const renaming = path.join(__dirname, 'fixtures', 'rename-activity-interceptor.ts');
    const options = { workflowsPath: fixtures.original, interceptors: { workflowModules: [renaming] } };
    const err = await runReplayHistory(options, byType('greet').history).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeterminismViolationError);
    expect((err as Error).message).toContain("activity command 'exclaim'");
  });
});

describe('replaying histories against replay-safe edits', () => {
  it('every history replays cleanly against code with a deprecated patch and changed results', async () => {
    const results = await collect(runReplayHistories({ workflowsPath: fixtures.next }, recorded.ours));
    expect(results.map((r) => [r.workflowId, r.error])).toEqual(recorded.ours.map(({ workflowId }) => [workflowId, undefined]));
  });
});

describe('replaying histories against edited code', () => {
  it('every history gives a DeterminismViolationError', async () => {
    const results = await collect(runReplayHistories({ workflowsPath: fixtures.changed }, recorded.ours));
    expect(results.map((r) => [r.workflowId, r.error?.constructor.name])).toEqual(
      recorded.ours.map(({ workflowId }) => [workflowId, 'DeterminismViolationError']),
    );
  });

  it('the error names the recorded event and the command the code produced instead', async () => {
    const err = await runReplayHistory({ workflowsPath: fixtures.changed }, byType('greet').history).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeterminismViolationError);
    expect((err as Error).message).toContain("Activity type of scheduled event 'upper' does not match activity type of activity command 'exclaim'");
  });

  it("the error is also an instance of @temporalio/workflow's DeterminismViolationError", async () => {
    const err = await runReplayHistory({ workflowsPath: fixtures.changed }, byType('shoutAll').history).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OfficialDeterminismViolationError);
  });

  it('code that the sandbox refuses as nondeterministic (WeakRef) gives a DeterminismViolationError', async () => {
    const weakRefCode = path.join(__dirname, 'fixtures', 'workflows-weakref.ts');
    const err = await runReplayHistory({ workflowsPath: weakRefCode }, byType('greet').history).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeterminismViolationError);
    expect((err as Error).message).toMatch(/WeakRef/);
  });

  it('a history from the official worker gives a DeterminismViolationError too', async () => {
    await expect(runReplayHistory({ workflowsPath: fixtures.changed }, recorded.official.history)).rejects.toBeInstanceOf(DeterminismViolationError);
  });

  it('the same history replayed twice in one call is judged twice', async () => {
    const greet = byType('greet');
    const results = await collect(runReplayHistories({ workflowsPath: fixtures.changed }, [greet, greet]));
    expect(results.map((r) => r.error?.constructor.name)).toEqual(['DeterminismViolationError', 'DeterminismViolationError']);
  });

  it('runReplayHistories reports each history on its own and goes on after a failing one', async () => {
    const tampered = temporal.api.history.v1.History.fromObject(byType('greet').history);
    const scheduled = tampered.events.find((e) => e.activityTaskScheduledEventAttributes)?.activityTaskScheduledEventAttributes;
    scheduled!.activityType = { name: 'exclaim' };
    const results = await collect(
      runReplayHistories({ workflowsPath: fixtures.original }, [
        { workflowId: 'first', history: byType('shoutAll').history },
        { workflowId: 'tampered', history: tampered },
        { workflowId: 'last', history: byType('withPatch').history },
      ]),
    );
    expect(results.map((r) => [r.workflowId, r.error?.constructor.name])).toEqual([
      ['first', undefined],
      ['tampered', 'DeterminismViolationError'],
      ['last', undefined],
    ]);
  });
});

describe('replay failures other than nondeterminism', () => {
  it('a workflow task that fails during replay gives a ReplayError with the failure message', async () => {
    // The e2e fixtures have no `greet` workflow: the replay's first task fails.
    const otherCode = path.join(__dirname, '..', 'e2e', 'workflows', 'fixtures', 'workflows.ts');
    const err = await runReplayHistory({ workflowsPath: otherCode }, byType('greet').history).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayError);
    expect(err).not.toBeInstanceOf(DeterminismViolationError);
    expect((err as Error).message).toContain("Failed to initialize workflow of type 'greet'");
  });

  it('a history without events is refused with a TypeError naming the history', async () => {
    await expect(runReplayHistory({ workflowsPath: fixtures.original }, { events: [] })).rejects.toThrow(/^history: the history has no events/);
  });

  it('a history that does not start with WorkflowExecutionStarted is refused with a TypeError', async () => {
    const events = byType('greet').history.events?.slice(1) ?? [];
    await expect(runReplayHistory({ workflowsPath: fixtures.original }, { events })).rejects.toThrow(
      /^history: the first event must be EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, got EVENT_TYPE_WORKFLOW_TASK_SCHEDULED/,
    );
  });

  it('options without workflowsPath or workflowBundle are refused with a TypeError', async () => {
    await expect(runReplayHistory({}, byType('greet').history)).rejects.toThrow(TypeError);
  });
});
