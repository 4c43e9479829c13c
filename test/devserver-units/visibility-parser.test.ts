import { describe, expect, it } from 'vitest';
import {
  IndexedValueType,
  parseVisibilityQuery,
  SearchAttributeRegistry,
  VisibilityQueryError,
} from '../../lib/devserver/visibility';

const registry = new SearchAttributeRegistry();

function parseError(query: string, reg?: SearchAttributeRegistry): VisibilityQueryError {
  try {
    parseVisibilityQuery(query, reg);
  } catch (err) {
    expect(err).toBeInstanceOf(VisibilityQueryError);
    return err as VisibilityQueryError;
  }
  throw new Error(`expected ${JSON.stringify(query)} to be rejected`);
}

describe('parseVisibilityQuery: structure', () => {
  it('parses an empty query as match-everything with no ordering', () => {
    expect(parseVisibilityQuery('')).toEqual({ text: '', orderBy: [] });
    expect(parseVisibilityQuery('   ').where).toBeUndefined();
  });

  it('parses a simple equality on a system attribute', () => {
    const q = parseVisibilityQuery("WorkflowId = 'order-1'");
    expect(q.where).toEqual({
      kind: 'compare',
      attribute: { name: 'WorkflowId', type: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
      operator: '=',
      value: 'order-1',
    });
  });

  it('treats <> as !=', () => {
    const q = parseVisibilityQuery("WorkflowType <> 'x'");
    expect(q.where).toMatchObject({ kind: 'compare', operator: '!=' });
  });

  it('gives AND higher precedence than OR', () => {
    const q = parseVisibilityQuery("WorkflowId = 'a' OR WorkflowId = 'b' AND TaskQueue = 'q'");
    expect(q.where).toMatchObject({ kind: 'or', right: { kind: 'and' } });
  });

  it('lets parentheses override precedence', () => {
    const q = parseVisibilityQuery("(WorkflowId = 'a' OR WorkflowId = 'b') AND TaskQueue = 'q'");
    expect(q.where).toMatchObject({ kind: 'and', left: { kind: 'or' } });
  });

  it('parses NOT in front of a predicate or a parenthesised group', () => {
    expect(parseVisibilityQuery("NOT WorkflowId = 'a'").where).toMatchObject({ kind: 'not', expr: { kind: 'compare' } });
    expect(parseVisibilityQuery("NOT (WorkflowId = 'a' OR RunId = 'b')").where).toMatchObject({
      kind: 'not',
      expr: { kind: 'or' },
    });
  });

  it('accepts keywords in any case', () => {
    const q = parseVisibilityQuery("workflowid = 'a' and TaskQueue in ('q') order by StartTime desc", undefined);
    // Attribute names are case-sensitive (an unknown name without registry stays untyped).
    expect(q.where).toMatchObject({ kind: 'and', right: { kind: 'in' } });
    expect(q.orderBy).toEqual([
      { attribute: { name: 'StartTime', type: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME }, descending: true },
    ]);
  });

  it('parses IN and NOT IN lists', () => {
    expect(parseVisibilityQuery("WorkflowType IN ('a', 'b')").where).toMatchObject({
      kind: 'in',
      values: ['a', 'b'],
      negated: false,
    });
    expect(parseVisibilityQuery("WorkflowType NOT IN ('a')").where).toMatchObject({ kind: 'in', negated: true });
  });

  it('parses BETWEEN and NOT BETWEEN', () => {
    expect(parseVisibilityQuery('HistoryLength BETWEEN 5 AND 10').where).toMatchObject({
      kind: 'between',
      from: 5,
      to: 10,
      negated: false,
    });
    expect(parseVisibilityQuery('HistoryLength NOT BETWEEN 5 AND 10').where).toMatchObject({ negated: true });
  });

  it('does not confuse the AND of BETWEEN with a logical AND', () => {
    const q = parseVisibilityQuery("HistoryLength BETWEEN 1 AND 3 AND WorkflowId = 'a'");
    expect(q.where).toMatchObject({ kind: 'and', left: { kind: 'between', from: 1, to: 3 } });
  });

  it('parses STARTS_WITH and NOT STARTS_WITH', () => {
    expect(parseVisibilityQuery("WorkflowId STARTS_WITH 'order-'").where).toMatchObject({
      kind: 'startsWith',
      prefix: 'order-',
      negated: false,
    });
    expect(parseVisibilityQuery("WorkflowId NOT STARTS_WITH 'x'").where).toMatchObject({ negated: true });
  });

  it('parses IS NULL and IS NOT NULL', () => {
    expect(parseVisibilityQuery('CloseTime IS NULL').where).toMatchObject({ kind: 'isNull', negated: false });
    expect(parseVisibilityQuery('CloseTime IS NOT NULL').where).toMatchObject({ kind: 'isNull', negated: true });
  });

  it('parses ORDER BY with several terms and default ascending direction', () => {
    const q = parseVisibilityQuery('ORDER BY WorkflowType, StartTime DESC');
    expect(q.where).toBeUndefined();
    expect(q.orderBy.map((o) => [o.attribute.name, o.descending])).toEqual([
      ['WorkflowType', false],
      ['StartTime', true],
    ]);
  });

  it('parses GROUP BY ExecutionStatus alone and after a filter', () => {
    expect(parseVisibilityQuery('GROUP BY ExecutionStatus').groupBy).toEqual([
      { name: 'ExecutionStatus', type: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    ]);
    const q = parseVisibilityQuery("WorkflowType = 'a' GROUP BY ExecutionStatus");
    expect(q.where).toMatchObject({ kind: 'compare' });
    expect(q.groupBy).toHaveLength(1);
  });

  it('accepts backquoted attribute names', () => {
    expect(parseVisibilityQuery("`WorkflowId` = 'a'").where).toMatchObject({ attribute: { name: 'WorkflowId' } });
    expect(parseVisibilityQuery("`Order-Tier` = 'gold'").where).toMatchObject({ attribute: { name: 'Order-Tier' } });
  });

  it('accepts a backquoted name that looks like a keyword', () => {
    expect(parseVisibilityQuery("`Order` = 'x'").where).toMatchObject({ attribute: { name: 'Order' } });
  });
});

describe('parseVisibilityQuery: literals', () => {
  it('accepts single- and double-quoted strings', () => {
    expect(parseVisibilityQuery('WorkflowId = "a b"').where).toMatchObject({ value: 'a b' });
  });

  it('unescapes doubled quotes and backslash escapes', () => {
    expect(parseVisibilityQuery("WorkflowId = 'it''s'").where).toMatchObject({ value: "it's" });
    expect(parseVisibilityQuery("WorkflowId = 'it\\'s'").where).toMatchObject({ value: "it's" });
  });

  it('converts ExecutionStatus names and numbers to the status name', () => {
    expect(parseVisibilityQuery("ExecutionStatus = 'Running'").where).toMatchObject({ value: 'Running' });
    expect(parseVisibilityQuery('ExecutionStatus = 2').where).toMatchObject({ value: 'Completed' });
    expect(parseVisibilityQuery("ExecutionStatus = 'WORKFLOW_EXECUTION_STATUS_TIMED_OUT'").where).toMatchObject({
      value: 'TimedOut',
    });
  });

  it('converts RFC 3339 datetimes to epoch milliseconds', () => {
    const q = parseVisibilityQuery("StartTime > '2024-01-02T03:04:05.678Z'");
    expect(q.where).toMatchObject({ value: Date.UTC(2024, 0, 2, 3, 4, 5, 678) });
  });

  it('applies the offset of a datetime with a time zone', () => {
    const q = parseVisibilityQuery("StartTime > '2024-01-02T03:04:05+02:00'");
    expect(q.where).toMatchObject({ value: Date.UTC(2024, 0, 2, 1, 4, 5) });
  });

  it('converts epoch-nanosecond integers to milliseconds without losing precision', () => {
    const q = parseVisibilityQuery('CloseTime >= 1704164645678900000');
    expect(q.where).toMatchObject({ value: 1704164645678.9 });
  });

  it('accepts negative numbers', () => {
    expect(parseVisibilityQuery('CustomIntField > -5').where).toMatchObject({ value: -5 });
    expect(parseVisibilityQuery('CustomDoubleField < -1.5').where).toMatchObject({ value: -1.5 });
  });

  it('accepts true and false for Bool attributes', () => {
    expect(parseVisibilityQuery('CustomBoolField = true').where).toMatchObject({ value: true });
    expect(parseVisibilityQuery('CustomBoolField = FALSE').where).toMatchObject({ value: false });
  });

  it('converts ExecutionDuration strings to nanoseconds', () => {
    expect(parseVisibilityQuery("ExecutionDuration > '1m30s'").where).toMatchObject({ value: 90e9 });
    expect(parseVisibilityQuery('ExecutionDuration > 1000').where).toMatchObject({ value: 1000 });
  });
});

describe('parseVisibilityQuery: errors', () => {
  it('names the position of a missing value', () => {
    const err = parseError("WorkflowId = ");
    expect(err.message).toMatch(/expected a value after "=" at position 12/);
    expect(err.position).toBe(14);
  });

  it('names an unexpected trailing token', () => {
    const err = parseError("WorkflowId = 'a' 'b'");
    expect(err.message).toContain('"\'b\'"');
    expect(err.position).toBe(18);
  });

  it('rejects an unterminated string with its position', () => {
    const err = parseError("WorkflowId = 'abc");
    expect(err.message).toMatch(/unterminated string starting at position 14/);
  });

  it('rejects an unclosed parenthesis', () => {
    expect(parseError("(WorkflowId = 'a'").message).toMatch(/expected '\)' to close '\(' at position 1/);
  });

  it('rejects an unknown attribute when a registry is given', () => {
    const err = parseError("Nope = 'a'", registry);
    expect(err.message).toMatch(/unknown search attribute Nope at position 1/);
    expect(err.token).toBe('Nope');
  });

  it('accepts an unknown attribute untyped when no registry is given', () => {
    expect(parseVisibilityQuery("Nope = 'a'").where).toMatchObject({ attribute: { name: 'Nope', type: undefined } });
  });

  it('rejects a value of the wrong type and names the attribute', () => {
    expect(parseError('WorkflowId = 5').message).toMatch(/invalid value 5 for search attribute WorkflowId of type Keyword/);
    expect(parseError("CustomIntField = 'x'").message).toMatch(/CustomIntField of type Int/);
    expect(parseError("CustomBoolField = 'true'").message).toMatch(/CustomBoolField of type Bool/);
  });

  it('rejects an unparseable datetime', () => {
    expect(parseError("StartTime > 'yesterday'").message).toMatch(/unable to parse datetime 'yesterday' for StartTime/);
    expect(parseError("StartTime > '2024-02-31T00:00:00Z'").message).toMatch(/unable to parse datetime/);
  });

  it('rejects an unknown execution status', () => {
    expect(parseError("ExecutionStatus = 'Sleeping'").message).toMatch(/invalid ExecutionStatus value 'Sleeping'/);
    expect(parseError('ExecutionStatus = 42').message).toMatch(/invalid ExecutionStatus value 42/);
  });

  it('rejects STARTS_WITH on non-Keyword attributes', () => {
    expect(parseError("CustomTextField STARTS_WITH 'a'").message).toMatch(
      /operator STARTS_WITH is not supported for CustomTextField of type Text/,
    );
  });

  it('rejects ordering operators on Text and KeywordList attributes', () => {
    expect(parseError("CustomTextField > 'a'").message).toMatch(/operator > is not supported/);
    expect(parseError("TemporalChangeVersion < 'a'").message).toMatch(/TemporalChangeVersion of type KeywordList/);
  });

  it('rejects BETWEEN on Bool attributes', () => {
    expect(parseError('CustomBoolField BETWEEN false AND true').message).toMatch(/operator BETWEEN is not supported/);
  });

  it('rejects an empty Text filter', () => {
    expect(parseError("CustomTextField = '  '").message).toMatch(/no tokens found/);
  });

  it('rejects an attribute name on the right side and suggests quoting', () => {
    expect(parseError('WorkflowId = abc').message).toMatch(/column name abc .*did you forget to quote it/);
  });

  it('rejects GROUP BY on anything but ExecutionStatus', () => {
    expect(parseError('GROUP BY WorkflowType').message).toMatch(/not supported for search attribute WorkflowType/);
  });

  it('rejects GROUP BY with several fields', () => {
    expect(parseError('GROUP BY ExecutionStatus, WorkflowType').message).toMatch(/only a single field/);
  });

  it('rejects ORDER BY a Text attribute', () => {
    expect(parseError('ORDER BY CustomTextField').message).toMatch(/unable to sort by CustomTextField of type Text/);
  });

  it('rejects LIMIT and LIKE as unsupported', () => {
    expect(parseError("WorkflowId = 'a' LIMIT 5").message).toMatch(/'LIMIT' clause is not supported/);
    expect(parseError("WorkflowId LIKE 'a%'").message).toMatch(/LIKE is not supported/);
  });

  it('rejects IS followed by something other than NULL', () => {
    expect(parseError('CloseTime IS 5').message).toMatch(/'IS' can only be used as 'IS NULL' or 'IS NOT NULL'/);
  });

  it('rejects a stray character with its position', () => {
    const err = parseError("WorkflowId = 'a' ; drop");
    expect(err.message).toMatch(/unexpected character ";" at position 18/);
  });

  it('rejects a predicate without an operator', () => {
    expect(parseError('WorkflowId').message).toMatch(/expected an operator after WorkflowId/);
  });

  it('rejects a non-string query', () => {
    expect(() => parseVisibilityQuery(42 as unknown as string)).toThrow(VisibilityQueryError);
  });
});
