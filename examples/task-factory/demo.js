'use strict';
// `npm run task-factory -- --demo`: drives a running service through its own HTTP API, the way an
// operator and an event source would, and prints what happened.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function apiClient(url) {
  return async function call(method, path, body) {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

async function expectStatus(promise, status, what) {
  const res = await promise;
  if (res.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function waitFor(what, read, done, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const DEFINITIONS = [
  {
    id: 'order-fulfilment',
    name: 'Fulfil a placed order',
    trigger: { type: 'event', event_type: 'order.placed' },
    dedupe_key_strategy: { type: 'payload_fields', fields: ['orderId'] },
    context_sources: [
      { name: 'order', type: 'event' },
      { name: 'warehouse', type: 'static', value: { site: 'Leipzig', lead: 'sam' } },
    ],
    task_templates: [
      { key: 'pick', kind: 'automated', title: 'Pick {{item.qty}} x {{item.sku}} for {{order.orderId}} at {{warehouse.site}}', for_each: 'order.items', work_ms: 300 },
      { key: 'review', kind: 'human', title: 'Review large order {{order.orderId}} ({{order.total}} EUR)', when: { path: 'order.total', op: 'gt', value: 500 }, assignee: '{{warehouse.lead}}' },
      { key: 'confirm', kind: 'automated', title: 'Email {{order.customer}} that {{order.orderId}} is packed', work_ms: 100 },
    ],
  },
  {
    id: 'heartbeat-digest',
    name: 'A digest every 2 seconds (compressed time)',
    trigger: { type: 'cron', cron: '@every 2s' },
    timezone: 'Europe/Berlin',
    jitter: '500ms',
    context_sources: [{ name: 'at', type: 'fire_time' }],
    task_templates: [{ key: 'digest', kind: 'automated', title: 'Digest for {{at.date}} {{at.time}} ({{at.timezone}})', work_ms: 100 }],
  },
  {
    id: 'weekday-standup',
    name: 'Standup notes at 09:00 New York time on weekdays',
    trigger: { type: 'cron', cron: '0 9 * * MON-FRI' },
    timezone: 'America/New_York',
    context_sources: [
      { name: 'day', type: 'fire_time' },
      { name: 'team', type: 'static', value: [{ name: 'ana' }, { name: 'ben' }] },
    ],
    task_templates: [
      { key: 'notes', kind: 'human', title: 'Standup notes from {{item.name}} for {{day.weekday}} {{day.date}}', for_each: 'team', assignee: '{{item.name}}' },
      { key: 'summary', kind: 'automated', title: 'Post the standup summary of {{day.date}}', work_ms: 50 },
    ],
  },
];

const ORDERS = [
  { orderId: 'A-1001', customer: 'kim@example.com', total: 820, items: [{ sku: 'desk', qty: 1 }, { sku: 'lamp', qty: 2 }] },
  { orderId: 'A-1002', customer: 'lee@example.com', total: 120, items: [{ sku: 'book', qty: 3 }] },
  { orderId: 'A-1003', customer: 'max@example.com', total: 560, items: [{ sku: 'chair', qty: 4 }, { sku: 'rug', qty: 1 }, { sku: 'vase', qty: 1 }] },
];

function table(rows, columns) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells) => cells.map((cell, i) => String(cell ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(columns.map((c) => r[c])))].join('\n');
}

/** Runs the whole demo against the service at `url`; resolves to the run log. */
async function runDemo({ url, out = process.stdout }) {
  const call = apiClient(url);
  const say = (line) => out.write(`${line}\n`);

  say('\n1. definitions');
  for (const def of DEFINITIONS) {
    const created = await expectStatus(call('POST', '/definitions', def), 201, `create ${def.id}`);
    say(`   created ${created.id} v${created.version} (${created.trigger.type}${created.trigger.cron ? ` '${created.trigger.cron}' ${created.timezone}` : ` '${created.trigger.event_type}'`})`);
  }
  const bad = await expectStatus(call('POST', '/definitions', { ...DEFINITIONS[1], id: 'broken', trigger: { type: 'cron', cron: '61 * * * *' } }), 400, 'a bad cron line');
  say(`   refused a bad definition: 400 on ${bad.error.field}`);

  say('\n2. events (duplicates included)');
  const fire = (order) => expectStatus(call('POST', '/events', { type: 'order.placed', payload: order }), 202, `event ${order.orderId}`);
  const outcomes = [];
  outcomes.push(await fire(ORDERS[0]), await fire(ORDERS[1]), await fire(ORDERS[0]));
  outcomes.push(...(await Promise.all([fire(ORDERS[2]), fire(ORDERS[2])]))); // the same event twice at once
  for (const o of outcomes) for (const r of o.results) say(`   order.placed ${r.dedupeKey.padEnd(7)} -> ${r.status}`);
  const badEvent = await expectStatus(call('POST', '/events', { type: 'order.placed', payload: { customer: 'no-id@example.com' } }), 400, 'an event without orderId');
  say(`   refused an event: 400 on ${badEvent.error.field}`);
  const duplicates = outcomes.flatMap((o) => o.results).filter((r) => r.status === 'duplicate').length;

  say("\n3. the '@every 2s' schedule fires");
  const digests = await waitFor('two scheduled digests', () => call('GET', '/runs?definition=heartbeat-digest').then((r) => r.body), (runs) => runs.filter((r) => r.status === 'completed').length >= 2);
  say(`   ${digests.filter((r) => r.status === 'completed').length} scheduled runs so far; disabling the definition`);
  await expectStatus(call('PUT', '/definitions/heartbeat-digest', { ...DEFINITIONS[1], enabled: false }), 200, 'disable heartbeat-digest');
  const paused = await expectStatus(call('GET', '/definitions/heartbeat-digest/schedule'), 200, 'describe the schedule');
  say(`   schedule ${paused.schedule.scheduleId}: paused=${paused.schedule.paused} (${paused.schedule.note}), args v${paused.schedule.actionArgs[0].version}`);

  say('\n4. backfill the last 7 days of weekday-standup, pause and resume it');
  const end = new Date();
  const start = new Date(end.getTime() - 7 * 24 * 3_600_000);
  await expectStatus(call('POST', '/definitions/weekday-standup/backfill', { start: start.toISOString(), end: end.toISOString() }), 202, 'backfill');
  say(`   backfilled ${start.toISOString()} .. ${end.toISOString()}`);
  await expectStatus(call('POST', '/definitions/weekday-standup/pause', { note: 'team offsite' }), 200, 'pause');
  const whilePaused = await expectStatus(call('GET', '/definitions/weekday-standup/schedule'), 200, 'describe');
  say(`   paused: schedule paused=${whilePaused.schedule.paused} (${whilePaused.schedule.note})`);
  await expectStatus(call('POST', '/definitions/weekday-standup/resume'), 200, 'resume');
  const resumed = await expectStatus(call('GET', '/definitions/weekday-standup/schedule'), 200, 'describe');
  say(`   resumed: schedule paused=${resumed.schedule.paused}, next run ${resumed.schedule.nextActionTimes[0]}`);
  const standups = await waitFor('five backfilled standups', () => call('GET', '/runs?definition=weekday-standup').then((r) => r.body), (runs) => runs.length >= 5);
  say(`   ${standups.length} standup runs from the backfill (one per weekday in the window)`);

  say('\n5. waiting for every run to finish');
  const runs = await waitFor(
    'all runs finished',
    () => call('GET', '/runs').then((r) => r.body),
    (all) => all.filter((r) => r.definition_id === 'order-fulfilment').length === ORDERS.length && all.every((r) => r.status !== 'running'),
  );
  const human = await expectStatus(call('GET', '/tasks?kind=human&status=open'), 200, 'open human tasks');
  const first = human[0];
  const completed = await expectStatus(call('POST', `/tasks/${first.id}/complete`, { result: { note: 'done in the demo' } }), 200, 'complete a human task');
  say(`   a person completed task ${completed.id} '${completed.title}' (${completed.assignee})`);
  await expectStatus(call('DELETE', '/definitions/heartbeat-digest'), 204, 'delete heartbeat-digest');
  const gone = await expectStatus(call('GET', '/definitions'), 200, 'list');
  say(`   deleted heartbeat-digest and its schedule; ${gone.length} definitions left`);

  const tasks = await expectStatus(call('GET', '/tasks'), 200, 'tasks');
  say('\nrun log');
  say(
    table(
      runs.map((r) => ({
        definition: r.definition_id,
        version: r.definition_version,
        source: r.source,
        'fire time / dedupe key': r.fire_time ?? r.dedupe_key ?? '',
        'tasks (auto+human)': `${r.tasks_planned} (${r.tasks_automated}+${r.tasks_human})`,
        status: r.status,
        'workflow id': r.workflow_id,
      })),
      ['definition', 'version', 'source', 'fire time / dedupe key', 'tasks (auto+human)', 'status', 'workflow id'],
    ),
  );
  const count = (status) => runs.filter((r) => r.status === status).length;
  say(
    `\nruns: ${count('completed')} completed, ${count('failed')} failed; tasks: ${tasks.length} ` +
      `(${tasks.filter((t) => t.kind === 'automated' && t.status === 'done').length} automated done, ` +
      `${tasks.filter((t) => t.kind === 'human' && t.status === 'open').length} human open); duplicate events refused: ${duplicates}`,
  );
  return { runs, tasks, duplicates };
}

module.exports = { runDemo };
