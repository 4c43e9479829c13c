import { describe, expect, it } from 'vitest';
import { decodeCountWorkflowExecutionsResponse } from '@temporalio/client/lib/helpers';
import { temporal } from '@temporalio/proto';
import Long from 'long';
import {
  countExecutions,
  encodeGroupValues,
  parseVisibilityQuery,
  queryExecutions,
  SearchAttributeRegistry,
  type VisibilityRecord,
  VisibilityQueryError,
} from '../../lib/devserver/visibility';

const RUNNING = 1;
const COMPLETED = 2;
const FAILED = 3;

const T0 = Date.UTC(2024, 0, 1);

function row(overrides: Partial<VisibilityRecord> & { workflowId: string }): VisibilityRecord {
  return {
    namespace: 'default',
    runId: `run-${overrides.workflowId}`,
    workflowType: 'orderWorkflow',
    taskQueue: 'orders',
    status: RUNNING,
    startTime: T0,
    executionTime: T0,
    historyLength: 3,
    searchAttributes: {},
    ...overrides,
  };
}

const rows: VisibilityRecord[] = [
  row({
    workflowId: 'order-1',
    startTime: T0 + 1000,
    executionTime: T0 + 1000,
    searchAttributes: { CustomKeywordField: 'gold', CustomIntField: 5, TemporalChangeVersion: ['patch-a', 'patch-b'] },
  }),
  row({
    workflowId: 'order-2',
    startTime: T0 + 2000,
    executionTime: T0 + 2000,
    status: COMPLETED,
    closeTime: T0 + 62_000,
    historyLength: 11,
    searchAttributes: { CustomKeywordField: 'silver', CustomIntField: 10, CustomTextField: 'Quick brown Fox' },
  }),
  row({
    workflowId: 'invoice-1',
    workflowType: 'invoiceWorkflow',
    startTime: T0 + 3000,
    executionTime: T0 + 3000,
    status: FAILED,
    closeTime: T0 + 4000,
    parentWorkflowId: 'order-1',
    searchAttributes: {
      CustomBoolField: true,
      CustomDatetimeField: '2024-06-01T00:00:00Z',
      CustomDoubleField: 1.5,
    },
  }),
  row({ workflowId: 'order-3', startTime: T0 + 3000, executionTime: T0 + 3000, runId: 'aaa' }),
];

function ids(query: string, reg?: SearchAttributeRegistry): string[] {
  return queryExecutions(rows, query, reg).map((r) => r.workflowId);
}

function sortedIds(query: string): string[] {
  return ids(query).sort();
}

describe('queryExecutions: filtering', () => {
  it('returns every row for an empty query', () => {
    expect(ids('')).toHaveLength(4);
  });

  it('filters by WorkflowType and ExecutionStatus together', () => {
    expect(sortedIds("WorkflowType = 'orderWorkflow' AND ExecutionStatus = 'Running'")).toEqual(['order-1', 'order-3']);
  });

  it('filters by ExecutionStatus given as a number', () => {
    expect(ids('ExecutionStatus = 3')).toEqual(['invoice-1']);
  });

  it('filters with OR', () => {
    expect(sortedIds("WorkflowId = 'order-2' OR WorkflowId = 'invoice-1'")).toEqual(['invoice-1', 'order-2']);
  });

  it('filters with != and <>', () => {
    expect(sortedIds("WorkflowType != 'orderWorkflow'")).toEqual(['invoice-1']);
    expect(sortedIds("WorkflowType <> 'invoiceWorkflow'")).toEqual(['order-1', 'order-2', 'order-3']);
  });

  it('filters with NOT', () => {
    expect(sortedIds("NOT WorkflowId STARTS_WITH 'order'")).toEqual(['invoice-1']);
  });

  it('filters with IN and NOT IN', () => {
    expect(sortedIds("WorkflowId IN ('order-1', 'order-3')")).toEqual(['order-1', 'order-3']);
    expect(sortedIds("ExecutionStatus NOT IN ('Running')")).toEqual(['invoice-1', 'order-2']);
  });

  it('filters with STARTS_WITH', () => {
    expect(sortedIds("WorkflowId STARTS_WITH 'inv'")).toEqual(['invoice-1']);
  });

  it('filters Int attributes with ordering operators and BETWEEN', () => {
    expect(ids('HistoryLength > 3')).toEqual(['order-2']);
    expect(sortedIds('CustomIntField BETWEEN 5 AND 10')).toEqual(['order-1', 'order-2']);
    expect(ids('CustomIntField NOT BETWEEN 6 AND 10')).toEqual(['order-1']);
  });

  it('filters datetimes given as RFC 3339 strings', () => {
    expect(sortedIds("StartTime >= '2024-01-01T00:00:03Z'")).toEqual(['invoice-1', 'order-3']);
  });

  it('filters datetimes given as epoch nanoseconds', () => {
    const nanos = BigInt(T0 + 2000) * 1_000_000n;
    expect(sortedIds(`StartTime < ${nanos}`)).toEqual(['order-1']);
  });

  it('filters custom Datetime attributes stored as RFC 3339 strings', () => {
    expect(ids("CustomDatetimeField > '2024-05-01T00:00:00Z'")).toEqual(['invoice-1']);
  });

  it('selects open runs with CloseTime IS NULL and closed ones with IS NOT NULL', () => {
    expect(sortedIds('CloseTime IS NULL')).toEqual(['order-1', 'order-3']);
    expect(sortedIds('CloseTime IS NOT NULL')).toEqual(['invoice-1', 'order-2']);
  });

  it('finds child runs by ParentWorkflowId', () => {
    expect(ids("ParentWorkflowId = 'order-1'")).toEqual(['invoice-1']);
    expect(ids('ParentWorkflowId IS NOT NULL')).toEqual(['invoice-1']);
  });

  it('filters by ExecutionDuration of closed runs', () => {
    expect(ids("ExecutionDuration > '30s'")).toEqual(['order-2']);
  });

  it('treats = on a KeywordList as "contains"', () => {
    expect(ids("TemporalChangeVersion = 'patch-b'")).toEqual(['order-1']);
  });

  it('treats != on a KeywordList as "does not contain" and skips rows without the attribute', () => {
    expect(ids("TemporalChangeVersion != 'patch-b'")).toEqual([]);
    expect(ids("TemporalChangeVersion != 'patch-z'")).toEqual(['order-1']);
  });

  it('treats IN on a KeywordList as "contains any"', () => {
    expect(ids("TemporalChangeVersion IN ('x', 'patch-a')")).toEqual(['order-1']);
  });

  it('matches Text attributes by tokens, ignoring case and order', () => {
    expect(ids("CustomTextField = 'fox QUICK'")).toEqual(['order-2']);
    expect(ids("CustomTextField = 'fox cat'")).toEqual([]);
  });

  it('filters Bool and Double attributes', () => {
    expect(ids('CustomBoolField = true')).toEqual(['invoice-1']);
    expect(ids('CustomDoubleField >= 1.5')).toEqual(['invoice-1']);
  });

  it('excludes rows missing the attribute from both = and != (SQL NULL semantics)', () => {
    expect(ids("CustomKeywordField = 'gold'")).toEqual(['order-1']);
    expect(ids("CustomKeywordField != 'gold'")).toEqual(['order-2']);
    expect(ids("NOT CustomKeywordField = 'gold'")).toEqual(['order-2']);
  });

  it('lets OR rescue a row whose other branch is unknown', () => {
    expect(sortedIds("CustomKeywordField = 'gold' OR WorkflowType = 'invoiceWorkflow'")).toEqual([
      'invoice-1',
      'order-1',
    ]);
  });

  it('filters untyped unknown attributes when parsed without a registry', () => {
    const extra = [row({ workflowId: 'x', searchAttributes: { Tier: 'gold' } }), row({ workflowId: 'y' })];
    expect(queryExecutions(extra, "Tier = 'gold'").map((r) => r.workflowId)).toEqual(['x']);
  });

  it('hides rows in a namespace division unless the query mentions it', () => {
    const extra = [
      row({ workflowId: 'plain' }),
      row({ workflowId: 'scheduler', searchAttributes: { TemporalNamespaceDivision: 'TemporalScheduler' } }),
    ];
    expect(queryExecutions(extra, '').map((r) => r.workflowId)).toEqual(['plain']);
    expect(
      queryExecutions(extra, "TemporalNamespaceDivision = 'TemporalScheduler'").map((r) => r.workflowId),
    ).toEqual(['scheduler']);
  });

  it('accepts a pre-parsed query', () => {
    const q = parseVisibilityQuery("WorkflowId = 'order-2'");
    expect(queryExecutions(rows, q).map((r) => r.workflowId)).toEqual(['order-2']);
  });

  it('rejects an unknown attribute when given a registry', () => {
    expect(() => queryExecutions(rows, "Tier = 'gold'", new SearchAttributeRegistry())).toThrow(/unknown search attribute Tier/);
  });

  it('rejects GROUP BY when listing', () => {
    expect(() => queryExecutions(rows, 'GROUP BY ExecutionStatus')).toThrow(VisibilityQueryError);
  });
});

describe('queryExecutions: ordering', () => {
  it('orders by StartTime descending, then RunId, by default', () => {
    // order-3 (run id "aaa") and invoice-1 share a start time.
    expect(ids('')).toEqual(['order-3', 'invoice-1', 'order-2', 'order-1']);
  });

  it('orders by an explicit attribute ascending', () => {
    expect(ids('ORDER BY StartTime ASC')).toEqual(['order-1', 'order-2', 'order-3', 'invoice-1']);
  });

  it('orders by several attributes', () => {
    expect(ids('ORDER BY WorkflowType DESC, HistoryLength DESC')).toEqual(['order-2', 'order-3', 'order-1', 'invoice-1']);
  });

  it('sorts missing values first ascending and last descending', () => {
    expect(ids('ORDER BY CloseTime ASC')).toEqual(['order-3', 'order-1', 'invoice-1', 'order-2']);
    expect(ids('ORDER BY CloseTime DESC')).toEqual(['order-2', 'invoice-1', 'order-3', 'order-1']);
  });

  it('combines a filter with ORDER BY', () => {
    expect(ids("ExecutionStatus = 'Running' ORDER BY StartTime")).toEqual(['order-1', 'order-3']);
  });
});

describe('countExecutions', () => {
  it('counts every row for an empty query', () => {
    expect(countExecutions(rows, '')).toEqual({ count: 4 });
  });

  it('counts matching rows', () => {
    expect(countExecutions(rows, "WorkflowType = 'orderWorkflow'")).toEqual({ count: 3 });
  });

  it('groups by ExecutionStatus with status names as group values', () => {
    expect(countExecutions(rows, 'GROUP BY ExecutionStatus')).toEqual({
      count: 4,
      groups: [
        { values: ['Running'], count: 2 },
        { values: ['Completed'], count: 1 },
        { values: ['Failed'], count: 1 },
      ],
    });
  });

  it('groups only the rows that match the filter', () => {
    expect(countExecutions(rows, "WorkflowType = 'orderWorkflow' GROUP BY ExecutionStatus").groups).toEqual([
      { values: ['Running'], count: 2 },
      { values: ['Completed'], count: 1 },
    ]);
  });

  it('encodes group values so that the official client decodes them like the real server', () => {
    const { count, groups } = countExecutions(rows, 'GROUP BY ExecutionStatus');
    const response = temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse.decode(
      temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse.encode({
        count: Long.fromNumber(count),
        groups: (groups ?? []).map((g) => ({ groupValues: encodeGroupValues(g.values), count: Long.fromNumber(g.count) })),
      }).finish(),
    );
    expect(decodeCountWorkflowExecutionsResponse(response)).toEqual({
      count: 4,
      groups: [
        { count: 2, groupValues: [['Running']] },
        { count: 1, groupValues: [['Completed']] },
        { count: 1, groupValues: [['Failed']] },
      ],
    });
  });

  it('returns no groups when nothing matches a grouped query', () => {
    expect(countExecutions(rows, "WorkflowId = 'none' GROUP BY ExecutionStatus")).toEqual({ count: 0, groups: [] });
  });
});
