import { describe, expect, it } from 'vitest';
import { CoreError } from '../../lib/core/errors';
import type { CoreConnection } from '../../lib/core/types';
import { connectionOptions, fakeRuntime, settledStats, type FakeStats } from './fake-core';
import { forceGc } from './gc';

const CALLS = Number(process.env.TN_STRESS_CALLS ?? 10_000);

type Behaviour = 'Echo' | 'Fail' | 'Hang';
interface Planned {
  behaviour: Behaviour;
  aborted: boolean;
  payload: Buffer;
}

function plan(index: number): Planned {
  const aborted = Math.random() < 1 / 3;
  const choices: Behaviour[] = aborted ? ['Echo', 'Fail', 'Hang'] : ['Echo', 'Fail'];
  const behaviour = choices[Math.floor(Math.random() * choices.length)];
  return { behaviour, aborted, payload: Buffer.from(`call-${index}`) };
}

/**
 * Starts every call on a runtime and connection that only this function references, so that once
 * it returns, nothing but the in-flight calls keeps them alive.
 */
async function startCalls(planned: Planned[]): Promise<Promise<Uint8Array>[]> {
  const runtime = await fakeRuntime();
  const connection = await runtime.connect(connectionOptions);
  return planned.map((call) => {
    const controller = new AbortController();
    const delayMs = String(Math.floor(Math.random() * 30));
    const promise = connection.rpcCall('test', call.behaviour, call.payload, {
      signal: controller.signal,
      metadata: { 'fake-delay-ms': delayMs, 'fake-status-code': '9', 'fake-message': 'scripted failure' },
    });
    if (call.aborted) setTimeout(() => controller.abort(), Math.random() * 40);
    return promise;
  });
}

async function statsAfterGc(observer: CoreConnection, expected: Partial<FakeStats>): Promise<FakeStats> {
  let last: FakeStats | undefined;
  for (let attempt = 0; attempt < 50; attempt++) {
    await forceGc();
    last = await settledStats(observer);
    if (Object.entries(expected).every(([key, value]) => last![key as keyof FakeStats] === value)) return last;
  }
  return last!;
}

/**
 * Runs every call and checks every outcome, returning only numbers. Errors keep their stack
 * frames, receivers included, until their stack is formatted; dropping them all here is what lets
 * the runtime and connection objects become unreachable afterwards.
 */
async function runAndCheckCalls(): Promise<{ settled: number; aborted: number }> {
  const planned = Array.from({ length: CALLS }, (_, index) => plan(index));
  const promises = await startCalls(planned);
  // The runtime and connection objects are unreachable now; collect them while calls fly.
  const gcWhileInFlight = [setTimeout(() => void forceGc(), 5), setTimeout(() => void forceGc(), 20)];
  const outcomes = await Promise.allSettled(promises);
  gcWhileInFlight.forEach(clearTimeout);

  // Plain comparisons (one expect per call would dominate the run time); every mismatch is kept.
  let aborted = 0;
  const mismatches: string[] = [];
  outcomes.forEach((outcome, index) => {
    const call = planned[index];
    if (outcome.status === 'fulfilled') {
      // Only an echo can succeed, aborted or not (it may finish before its abort fires).
      if (call.behaviour !== 'Echo' || !Buffer.from(outcome.value).equals(call.payload)) {
        mismatches.push(`${index}: ${call.behaviour} fulfilled with ${Buffer.from(outcome.value).toString()}`);
      }
      return;
    }
    const error: unknown = outcome.reason;
    if (!(error instanceof CoreError)) {
      mismatches.push(`${index}: rejected with a non-CoreError ${String(error)}`);
    } else if (error.code === 1) {
      if (!call.aborted) mismatches.push(`${index}: cancelled without an abort`);
      aborted++;
    } else if (
      call.behaviour !== 'Fail' ||
      error.code !== 9 ||
      error.message !== 'scripted failure' ||
      !Buffer.from(error.details ?? []).equals(call.payload)
    ) {
      mismatches.push(`${index}: ${call.behaviour} rejected with code ${error.code}: ${error.message}`);
    }
  });
  expect(mismatches).toEqual([]);
  return { settled: outcomes.length, aborted };
}

describe('native addon under load', () => {
  it('settles 10,000 concurrent rpcCalls, a third aborted at random, with its objects dropped and GC forced mid-flight, and frees everything', async () => {
    const observerRuntime = await fakeRuntime();
    const observer = await observerRuntime.connect(connectionOptions);
    const baseline = await settledStats(observer);

    const { settled, aborted } = await runAndCheckCalls();
    expect(settled).toBe(CALLS);
    expect(aborted).toBeGreaterThan(0);

    const finalStats = await statsAfterGc(observer, {
      runtimes: baseline.runtimes,
      connections: baseline.connections,
      byteArrays: 0,
      tokens: 0,
    });
    expect(finalStats).toMatchObject({
      runtimes: baseline.runtimes,
      connections: baseline.connections,
      byteArrays: 0,
      tokens: 0,
      rpcsInFlight: 0,
    });
    await observer.close();
    await observerRuntime.close();
  });
});
