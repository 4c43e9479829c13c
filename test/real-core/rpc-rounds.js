'use strict';
// Child process of stress.test.ts: rounds of 10,000 concurrent rpcCalls on the real core, printing
// one JSON line per round with the bytes the allocator still has handed out and the RSS once its
// free pages are given back (heap_probe). A child of its own so that both cover the SDK, the addon
// and the core, not the test runner.
//
// argv: <dist dir> <core library> <server address> <calls> <rounds> <heap_probe.node>
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const { temporal } = require('@temporalio/proto');

const [distDir, library, address, callsArg, roundsArg, heapProbePath] = process.argv.slice(2);
const heapProbe = require(heapProbePath);
const { createRuntime, CoreError } = require(path.join(distDir, 'core'));
const ws = temporal.api.workflowservice.v1;
const CALLS = Number(callsArg);
const NAMESPACE = 'default';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
async function forceGc() {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

function classify(i, missing, settled) {
  if (settled.ok) return ws.DescribeNamespaceResponse.decode(settled.value).namespaceInfo?.name === NAMESPACE && !missing ? 'ok' : `ok for ${i}`;
  const error = settled.error;
  if (!(error instanceof CoreError)) return `non-CoreError for ${i}: ${error}`;
  if (error.code === 1) return 'cancelled';
  if (error.code === 5 && missing) return 'notFound';
  // Node's HTTP/2 server (under grpc-js) answers a burst of stream resets (the aborts) with
  // GOAWAY, its rapid-reset protection: calls still in flight on that connection fail and the core
  // reconnects. tonic maps the h2 error to INTERNAL, or to RESOURCE_EXHAUSTED when the GOAWAY says
  // ENHANCE_YOUR_CALM (which one depends on how far the call had got).
  if ((error.code === 13 || error.code === 8) && /h2 protocol error/.test(error.message)) return 'reset';
  return `code ${error.code} for ${i}: ${error.message}`;
}

async function round(runtime) {
  // The connection is referenced by nothing but its calls once they are started.
  const promises = await (async () => {
    const connection = await runtime.connect({ address, identity: 'stress@test', clientName: 'temporal-native', clientVersion: '0.1.0' });
    return Array.from({ length: CALLS }, (_, i) => {
      const missing = i % 4 === 3;
      const request = ws.DescribeNamespaceRequest.encode({ namespace: missing ? `missing-${i}` : NAMESPACE }).finish();
      const controller = new AbortController();
      if (Math.random() < 1 / 3) setTimeout(() => controller.abort(), Math.random() * 50);
      return connection
        .rpcCall('workflow', 'DescribeNamespace', request, { signal: controller.signal })
        .then((value) => classify(i, missing, { ok: true, value }), (error) => classify(i, missing, { ok: false, error }));
    });
  })();
  const timers = [setTimeout(() => void forceGc(), 5), setTimeout(() => void forceGc(), 50)];
  const outcomes = await Promise.all(promises);
  timers.forEach(clearTimeout);
  const counts = { ok: 0, notFound: 0, cancelled: 0, reset: 0 };
  const wrong = [];
  for (const outcome of outcomes) {
    if (outcome in counts) counts[outcome]++;
    else wrong.push(outcome);
  }
  for (let i = 0; i < 3; i++) await forceGc();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await forceGc();
  const inUse = heapProbe.inUse();
  heapProbe.trim();
  return { ...counts, wrong: wrong.slice(0, 20), wrongCount: wrong.length, inUse, rss: process.memoryUsage().rss };
}

(async () => {
  const runtime = await createRuntime({ backend: 'native', coreLibraryPath: library });
  for (let r = 0; r < Number(roundsArg); r++) process.stdout.write(`${JSON.stringify(await round(runtime))}\n`);
  await runtime.close();
})().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
