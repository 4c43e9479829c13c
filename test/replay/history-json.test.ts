/**
 * Histories as JSON: the proto3 JSON the Temporal CLI, the UI and the official SDK write, including
 * the short enum names of older tools, read into `History` messages (no server needed).
 */
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../lib';
import { historyFromJSON, historyToJSON } from '../../lib/worker/replay';

const EventType = temporal.api.enums.v1.EventType;

/** Two events as `temporal workflow show --output json` prints them. */
function cliHistory(eventType = 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED') {
  return {
    events: [
      {
        eventId: '1',
        eventTime: '2026-01-02T03:04:05.123456789Z',
        eventType,
        taskId: '1048576',
        workflowExecutionStartedEventAttributes: {
          workflowType: { name: 'order' },
          taskQueue: { name: 'orders', kind: 'TASK_QUEUE_KIND_NORMAL' },
          input: { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"o-1"').toString('base64') }] },
          workflowTaskTimeout: '10s',
          attempt: 1,
          originalExecutionRunId: '5b3c7a2e-0000-4000-8000-000000000001',
          workflowId: 'order-1',
        },
      },
      {
        eventId: '2',
        eventTime: '2026-01-02T03:04:05.200Z',
        eventType: 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
        workflowTaskScheduledEventAttributes: { taskQueue: { name: 'orders' }, startToCloseTimeout: '10s', attempt: 1 },
      },
    ],
  };
}

describe('historyFromJSON', () => {
  it('reads int64 strings, RFC 3339 timestamps, durations, enum names and base64 payloads', () => {
    const history = historyFromJSON(cliHistory());
    const [started, scheduled] = history.events;
    expect(Number(started.eventId)).toBe(1);
    expect(started.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    expect(Number(started.eventTime?.seconds)).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000);
    expect(started.eventTime?.nanos).toBe(123_456_789);
    const attributes = started.workflowExecutionStartedEventAttributes;
    expect(Number(attributes?.workflowTaskTimeout?.seconds)).toBe(10);
    expect(attributes?.taskQueue?.kind).toBe(temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL);
    expect(Buffer.from(attributes?.input?.payloads?.[0].data ?? []).toString()).toBe('"o-1"');
    expect(scheduled.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  });

  it('accepts JSON text as well as the parsed value', () => {
    const fromText = historyFromJSON(JSON.stringify(cliHistory()));
    expect(temporal.api.history.v1.History.encode(fromText).finish()).toEqual(temporal.api.history.v1.History.encode(historyFromJSON(cliHistory())).finish());
  });

  it('expands the short enum names older tools wrote (WorkflowExecutionStarted)', () => {
    const history = historyFromJSON(cliHistory('WorkflowExecutionStarted'));
    expect(history.events[0].eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  });

  it('round-trips through historyToJSON to the same bytes', () => {
    const history = historyFromJSON(cliHistory());
    const again = historyFromJSON(historyToJSON(history));
    expect(temporal.api.history.v1.History.encode(again).finish()).toEqual(temporal.api.history.v1.History.encode(history).finish());
  });

  it('refuses text that is not JSON with a TypeError naming the history', () => {
    expect(() => historyFromJSON('{"events": [')).toThrow(/^history: not valid JSON/);
  });

  it('refuses JSON without an events array', () => {
    expect(() => historyFromJSON({ history: [] })).toThrow(TypeError);
  });

  it('refuses a malformed timestamp with a ValueError naming the field', () => {
    const json = cliHistory();
    json.events[1].eventTime = 'yesterday';
    expect(() => historyFromJSON(json)).toThrow(ValueError);
    expect(() => historyFromJSON(json)).toThrow(/events\[1\]\.eventTime/);
  });

  it('refuses an event type no spelling matches', () => {
    expect(() => historyFromJSON(cliHistory('WorkflowExecutionExploded'))).toThrow(/unknown enum value 'WorkflowExecutionExploded'/);
  });
});
