import type { temporal } from '@temporalio/proto';
import { executionStatusName } from './execution-status';
import { parseVisibilityQuery } from './parser';
import {
  type AttributeRef,
  type ComparisonOperator,
  type VisibilityExpr,
  type VisibilityQuery,
  type VisibilityValue,
  VisibilityQueryError,
} from './query-ast';
import { IndexedValueType, parseRfc3339Ms, type SearchAttributeRegistry } from './search-attributes';
import type { VisibilityRecord } from './types';

const T = IndexedValueType;

// SQL three-valued logic, as the real dev server's SQLite visibility store applies it: a
// predicate on a missing attribute is unknown (null), and NOT unknown stays unknown.
type Truth = boolean | null;

type Comparable = string | number | boolean;

function datetimeMs(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return parseRfc3339Ms(value) ?? null;
  return null;
}

/** The raw value of an attribute on a row: a column for system attributes, else the SA map. */
function rawValue(record: VisibilityRecord, name: string): unknown {
  switch (name) {
    case 'WorkflowId':
      return record.workflowId;
    case 'RunId':
      return record.runId;
    case 'WorkflowType':
      return record.workflowType;
    case 'TaskQueue':
      return record.taskQueue;
    case 'ExecutionStatus':
      return executionStatusName(record.status) ?? null;
    case 'StartTime':
      return record.startTime;
    case 'ExecutionTime':
      return record.executionTime;
    case 'CloseTime':
      return record.closeTime ?? null;
    case 'HistoryLength':
      return record.historyLength;
    case 'ParentWorkflowId':
      return record.parentWorkflowId ?? null;
    case 'ParentRunId':
      return record.parentRunId ?? null;
    case 'RootWorkflowId':
      return record.rootWorkflowId ?? null;
    case 'RootRunId':
      return record.rootRunId ?? null;
    case 'ExecutionDuration':
      // Nanoseconds from execution to close; only closed runs have one.
      return record.closeTime === undefined ? null : (record.closeTime - record.executionTime) * 1e6;
    default:
      return record.searchAttributes[name] ?? null;
  }
}

/** The attribute's values on a row, normalised for comparison; `null` when absent. */
function values(record: VisibilityRecord, attribute: AttributeRef): Comparable[] | null {
  const raw = rawValue(record, attribute.name);
  if (raw === null || raw === undefined) return null;
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) return null;
  const out: Comparable[] = [];
  for (const item of list) {
    if (attribute.type === T.INDEXED_VALUE_TYPE_DATETIME) {
      const ms = datetimeMs(item);
      if (ms !== null) out.push(ms);
    } else if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
      out.push(item);
    } else if (item instanceof Date) {
      out.push(item.getTime());
    }
  }
  return out.length === 0 ? null : out;
}

function order(a: Comparable, b: Comparable): number | null {
  if (typeof a !== typeof b) return null;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function compareOne(a: Comparable, operator: ComparisonOperator, b: VisibilityValue): boolean {
  const cmp = order(a, b);
  if (cmp === null) return operator === '!=';
  switch (operator) {
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
  }
}

const TOKEN_SPLIT = /[^\p{L}\p{N}]+/u;

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(TOKEN_SPLIT)
    .filter((t) => t !== '');
}

/** Full-text match for Text attributes: every token of the filter occurs in the value. */
function textMatches(value: Comparable, filter: VisibilityValue): boolean {
  if (typeof value !== 'string' || typeof filter !== 'string') return false;
  const have = new Set(tokens(value));
  return tokens(filter).every((t) => have.has(t));
}

function equals(attribute: AttributeRef, value: Comparable, filter: VisibilityValue): boolean {
  return attribute.type === T.INDEXED_VALUE_TYPE_TEXT ? textMatches(value, filter) : order(value, filter) === 0;
}

// Multi-valued attributes (KeywordList, legacy lists) match when any element matches; the negated
// forms are NOT of the positive form, so `!=` on a KeywordList means "does not contain".
function anyMatch(vals: Comparable[] | null, test: (v: Comparable) => boolean): Truth {
  if (vals === null) return null;
  return vals.some(test);
}

function not(value: Truth): Truth {
  return value === null ? null : !value;
}

function evaluate(expr: VisibilityExpr, record: VisibilityRecord): Truth {
  switch (expr.kind) {
    case 'and': {
      const left = evaluate(expr.left, record);
      if (left === false) return false;
      const right = evaluate(expr.right, record);
      if (right === false) return false;
      return left === null || right === null ? null : true;
    }
    case 'or': {
      const left = evaluate(expr.left, record);
      if (left === true) return true;
      const right = evaluate(expr.right, record);
      if (right === true) return true;
      return left === null || right === null ? null : false;
    }
    case 'not':
      return not(evaluate(expr.expr, record));
    case 'isNull': {
      const isNull = values(record, expr.attribute) === null;
      return expr.negated ? !isNull : isNull;
    }
    case 'compare': {
      const vals = values(record, expr.attribute);
      const { operator, value } = expr;
      if (operator === '=') return anyMatch(vals, (v) => equals(expr.attribute, v, value));
      if (operator === '!=') return not(anyMatch(vals, (v) => equals(expr.attribute, v, value)));
      return anyMatch(vals, (v) => compareOne(v, operator, value));
    }
    case 'in': {
      const result = anyMatch(values(record, expr.attribute), (v) =>
        expr.values.some((candidate) => equals(expr.attribute, v, candidate)),
      );
      return expr.negated ? not(result) : result;
    }
    case 'between': {
      const result = anyMatch(
        values(record, expr.attribute),
        (v) => compareOne(v, '>=', expr.from) && compareOne(v, '<=', expr.to),
      );
      return expr.negated ? not(result) : result;
    }
    case 'startsWith': {
      const result = anyMatch(values(record, expr.attribute), (v) => typeof v === 'string' && v.startsWith(expr.prefix));
      return expr.negated ? not(result) : result;
    }
  }
}

function toQuery(query: string | VisibilityQuery, registry: SearchAttributeRegistry | undefined): VisibilityQuery {
  return typeof query === 'string' ? parseVisibilityQuery(query, registry) : query;
}

const NAMESPACE_DIVISION = 'TemporalNamespaceDivision';

function mentions(expr: VisibilityExpr, name: string): boolean {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return mentions(expr.left, name) || mentions(expr.right, name);
    case 'not':
      return mentions(expr.expr, name);
    default:
      return expr.attribute.name === name;
  }
}

const mentionsDivision = new WeakMap<VisibilityQuery, boolean>();

/**
 * True when the row satisfies the filter's WHERE clause (an empty filter matches everything).
 * Like the real server, rows in a namespace division (`TemporalNamespaceDivision` set, e.g. the
 * internal workflows behind schedules) only match queries that mention that attribute.
 *
 * @example
 * ```ts
 * matchesQuery(record, parseVisibilityQuery("ExecutionStatus = 'Running'")); // true for open runs
 * ```
 */
export function matchesQuery(record: VisibilityRecord, query: VisibilityQuery): boolean {
  let division = mentionsDivision.get(query);
  if (division === undefined) {
    division = query.where !== undefined && mentions(query.where, NAMESPACE_DIVISION);
    mentionsDivision.set(query, division);
  }
  const inDivision = record.searchAttributes[NAMESPACE_DIVISION];
  if (!division && inDivision !== undefined && inDivision !== null) return false;
  return query.where === undefined || evaluate(query.where, record) === true;
}

// SQLite ordering: NULL sorts before everything, so first in ASC and last in DESC.
function sortKey(record: VisibilityRecord, attribute: AttributeRef): Comparable | null {
  if (attribute.name === 'ExecutionStatus') return record.status;
  const vals = values(record, attribute);
  return vals === null ? null : (vals[0] as Comparable);
}

function compareKeys(a: Comparable | null, b: Comparable | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a !== typeof b) return typeof a < typeof b ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

function defaultOrder(a: VisibilityRecord, b: VisibilityRecord): number {
  if (a.startTime !== b.startTime) return b.startTime - a.startTime;
  return a.runId === b.runId ? 0 : a.runId < b.runId ? -1 : 1;
}

/**
 * Filters and sorts visibility rows for `ListWorkflowExecutions`. Sorting follows the query's
 * `ORDER BY` terms, then StartTime descending, then RunId ascending, so pages are stable.
 * `query` is the filter text or an already parsed query; with a registry, unknown attributes are
 * errors. A `GROUP BY` clause is rejected here (it is only valid for counting).
 *
 * @throws VisibilityQueryError for a malformed filter.
 * @example
 * ```ts
 * const page = queryExecutions(rows, "WorkflowType = 'order' ORDER BY StartTime ASC", registry).slice(0, pageSize);
 * ```
 */
export function queryExecutions(
  records: Iterable<VisibilityRecord>,
  query: string | VisibilityQuery,
  registry?: SearchAttributeRegistry,
): VisibilityRecord[] {
  const parsed = toQuery(query, registry);
  if (parsed.groupBy !== undefined) {
    throw new VisibilityQueryError("invalid query: 'GROUP BY' clause is only supported when counting executions", {
      token: 'GROUP BY',
    });
  }
  const matched: VisibilityRecord[] = [];
  for (const record of records) if (matchesQuery(record, parsed)) matched.push(record);
  return matched.sort((a, b) => {
    for (const item of parsed.orderBy) {
      const cmp = compareKeys(sortKey(a, item.attribute), sortKey(b, item.attribute));
      if (cmp !== 0) return item.descending ? -cmp : cmp;
    }
    return defaultOrder(a, b);
  });
}

/** Result of {@link countExecutions}. */
export interface ExecutionCount {
  count: number;
  /**
   * One group per ExecutionStatus present, for `GROUP BY ExecutionStatus`. `values` holds plain
   * values (the status name, e.g. `'Running'`); the RPC layer encodes each as a json/plain payload
   * with `type` metadata `Keyword`, which `@temporalio/client`'s `count()` decodes with its search
   * attribute payload converter.
   */
  groups?: Array<{ values: unknown[]; count: number }>;
}

const utf8 = new TextEncoder();

/**
 * Encodes the plain values of a {@link ExecutionCount} group as the real server sends
 * `CountWorkflowExecutionsResponse.groups[].group_values`: json/plain payloads with `type`
 * metadata `Keyword`.
 *
 * @example
 * ```ts
 * const groups = result.groups?.map((g) => ({ groupValues: encodeGroupValues(g.values), count: g.count }));
 * ```
 */
export function encodeGroupValues(values: unknown[]): temporal.api.common.v1.IPayload[] {
  return values.map((value) => ({
    metadata: { encoding: utf8.encode('json/plain'), type: utf8.encode('Keyword') },
    data: utf8.encode(JSON.stringify(value)),
  }));
}

/**
 * Counts matching rows for `CountWorkflowExecutions`, grouped by ExecutionStatus when the query
 * says `GROUP BY ExecutionStatus` (groups in enum order, only statuses that occur).
 *
 * @throws VisibilityQueryError for a malformed filter.
 * @example
 * ```ts
 * countExecutions(rows, 'GROUP BY ExecutionStatus');
 * // { count: 3, groups: [{ values: ['Running'], count: 2 }, { values: ['Completed'], count: 1 }] }
 * ```
 */
export function countExecutions(
  records: Iterable<VisibilityRecord>,
  query: string | VisibilityQuery,
  registry?: SearchAttributeRegistry,
): ExecutionCount {
  const parsed = toQuery(query, registry);
  let count = 0;
  const byStatus = new Map<number, number>();
  for (const record of records) {
    if (!matchesQuery(record, parsed)) continue;
    count++;
    byStatus.set(record.status, (byStatus.get(record.status) ?? 0) + 1);
  }
  if (parsed.groupBy === undefined) return { count };
  const groups = [...byStatus]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => ({ values: [executionStatusName(status) ?? String(status)], count: n }));
  return { count, groups };
}
