/**
 * The text parsers the dev server and the SDK expose to user input, fuzzed directly: the visibility
 * query parser, the workflow cron parser (and its next-fire computation), the schedule spec compiler
 * with its cron-string and calendar parsers (and the next action time), and the history JSON reader.
 * Inputs are grammar-shaped (tokens of the real language, so they reach deep into the parser) mixed
 * with arbitrary text. Property: each call returns or throws the parser's own typed error, never
 * anything else, and never hangs (a computation that loops fails the test by its timeout).
 *
 * Seeded: the seed is printed; `FUZZ_SEED=<seed>` replays. fast-check shrinks a failure to a minimal input.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { parseVisibilityQuery, SearchAttributeRegistry, VisibilityQueryError } from '../../lib/devserver/visibility';
import { CronScheduleError, nextCronTime } from '../../lib/devserver/policy/cron';
import { compileSpec, SpecError } from '../../lib/devserver/schedules/spec';
import { parseCron } from '../../lib/devserver/schedules/calendar';
import { historyFromJSON, historyToJSON } from '../../lib/worker/replay/history-json';
import { ValueError } from '../../lib/common/errors';
import { ServiceError } from '../../lib/devserver/errors';
import { recordReliability, reliabilityScale } from '../support/reliability';
import { fuzzSeed, messageObject, protoRoot } from './fuzz-support';
import type { temporal } from '@temporalio/proto';

const RUNS = reliabilityScale(3_000, 30_000);
/** A loaded machine runs the long configuration's 30,000 inputs per parser for minutes. */
const TIMEOUT = reliabilityScale(60_000, 1_800_000);
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

/** Text of `tokens` joined by random separators, mixed with arbitrary strings. */
function tokenText(tokens: string[]): fc.Arbitrary<string> {
  const piece = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...tokens) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: -100, max: 3000 }).map(String) });
  return fc.oneof(
    { weight: 5, arbitrary: fc.array(fc.tuple(piece, fc.constantFrom(' ', '', '  ', ',', '\t')), { maxLength: 14 }).map((parts) => parts.map(([p, s]) => p + s).join('')) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60, unit: 'binary' }) },
  );
}

/** Asserts that `fn` returns or throws one of `allowed`; anything else is reported with the input. */
function returnsOrThrows(fn: () => unknown, allowed: Array<abstract new (...args: never[]) => Error>): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (allowed.some((type) => err instanceof type)) return true;
    throw new Error(`unexpected ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}`);
  }
}

const inputs: Record<string, number> = {};

it('visibility queries: parsed, or refused with a VisibilityQueryError', { timeout: TIMEOUT }, () => {
  const seed = fuzzSeed('visibility-query');
  const registry = new SearchAttributeRegistry({ namespace: 'default' });
  registry.add({ CustomKeyword: 2, CustomInt: 3, CustomBool: 5, CustomDatetime: 4, CustomDouble: 6, CustomText: 1, CustomList: 7 });
  const tokens = ['WorkflowId', 'WorkflowType', 'ExecutionStatus', 'StartTime', 'CloseTime', 'RunId', 'TaskQueue', 'ExecutionDuration', 'CustomKeyword', 'CustomInt', 'CustomBool', 'CustomDatetime', 'CustomDouble', 'CustomText', 'CustomList', 'Unknown',
    '=', '!=', '<', '<=', '>', '>=', 'AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'STARTS_WITH', 'IS', 'NULL', 'LIKE', 'ORDER BY', 'GROUP BY', 'ASC', 'DESC', 'LIMIT', '(', ')', ',', "'", '"', '`',
    "'Running'", "'Completed'", "'wf-1'", '"2026-01-01T00:00:00Z"', "'1h'", 'true', 'false', '1.5', '-3', "'a''b'", '\\'];
  fc.assert(fc.property(tokenText(tokens), (q) => returnsOrThrows(() => parseVisibilityQuery(q, registry), [VisibilityQueryError])), { seed, numRuns: RUNS });
  inputs['visibility-query'] = RUNS;
});

it('workflow cron schedules: validated and stepped to their next fire time, or refused with a CronScheduleError', { timeout: TIMEOUT }, () => {
  const seed = fuzzSeed('workflow-cron');
  const tokens = ['*', '*/5', '*/0', '1-5', '5-1', '0', '59', '60', '23', '24', '31', '32', 'JAN', 'feb', 'DEC', 'MON', 'sun', 'MON-FRI', '?', 'L', 'W', '#', '1,2,3', '@every', '1h', '0s', '-1m', '@daily', '@hourly', '@yearly', '@weekly', '@monthly', 'CRON_TZ=Europe/Paris', 'CRON_TZ=Bogus/Zone', 'TZ=UTC', '2/3'];
  fc.assert(
    fc.property(tokenText(tokens), fc.integer({ min: 0, max: 4_102_444_800_000 }), (cron, after) => returnsOrThrows(() => nextCronTime(cron, after), [CronScheduleError])),
    { seed, numRuns: RUNS },
  );
  inputs['workflow-cron'] = RUNS;
});

it('schedule cron strings and calendar specs: compiled and stepped to their next action, or refused with a SpecError', { timeout: TIMEOUT }, () => {
  const seed = fuzzSeed('schedule-spec');
  const cronTokens = ['*', '*/5', '1-5', '0', '59', '60', '23', '31', 'JAN', 'MON', 'MON-FRI', '2/3', '@every', '1h', '30m', '@daily', 'CRON_TZ=America/New_York', 'TZ=Asia/Tokyo', '#', '?', '2030', '1999', '2101'];
  const SpecType = protoRoot.lookupType('temporal.api.schedule.v1.ScheduleSpec');
  const spec = fc.tuple(messageObject(SpecType, 3), fc.array(tokenText(cronTokens), { maxLength: 2 })).map(([o, crons]) => {
    let message: temporal.api.schedule.v1.IScheduleSpec;
    try {
      message = SpecType.fromObject({ ...o, cronString: crons }) as temporal.api.schedule.v1.IScheduleSpec;
    } catch {
      message = { cronString: crons };
    }
    return message;
  });
  fc.assert(
    fc.property(spec, fc.integer({ min: 0, max: 4_102_444_800_000 }), (s, after) =>
      // durationToMs refuses a bad interval with the RPC layer's INVALID_ARGUMENT ServiceError.
      returnsOrThrows(() => compileSpec(s).nextTime('fuzz', after), [SpecError, ServiceError]),
    ),
    { seed, numRuns: Math.ceil(RUNS / 3) },
  );
  fc.assert(fc.property(tokenText(cronTokens), (line) => returnsOrThrows(() => parseCron(line), [SpecError])), { seed: seed + 1, numRuns: RUNS });
  inputs['schedule-spec'] = Math.ceil(RUNS / 3) + RUNS;
  expect(compileSpec({ cronString: ['0 12 * * *'] }).nextTime('x', NOW)?.nominal).toBe(Date.UTC(2026, 0, 16, 12, 0, 0));
});

it('history JSON: read into a History, or refused with a TypeError/ValueError naming the problem', { timeout: TIMEOUT }, () => {
  const seed = fuzzSeed('history-json');
  const HistoryType = protoRoot.lookupType('temporal.api.history.v1.History');
  // Valid histories (generated, written with historyToJSON), then cut and spliced as text.
  const validText = messageObject(HistoryType, 4).map((o) => {
    try {
      return historyToJSON(HistoryType.fromObject(o) as temporal.api.history.v1.IHistory);
    } catch {
      return '{"events":[]}';
    }
  });
  const mangled = fc.tuple(validText, fc.nat(), fc.nat(), fc.string({ maxLength: 8 })).map(([text, a, b, insert]) => {
    const i = a % (text.length + 1);
    const j = Math.min(text.length, i + (b % 12));
    return text.slice(0, i) + insert + text.slice(j);
  });
  const input = fc.oneof(validText, mangled, fc.json(), fc.jsonValue(), fc.record({ events: fc.array(fc.jsonValue(), { maxLength: 3 }) }));
  fc.assert(fc.property(input, (h) => returnsOrThrows(() => historyFromJSON(h), [TypeError, ValueError])), { seed, numRuns: RUNS });
  inputs['history-json'] = RUNS;
  recordReliability('fuzz-parsers', { seed, ...inputs });
});
