import type { IndexedValueType } from './search-attributes';

/**
 * A literal after type checking. Datetime values are fractional epoch milliseconds, ExecutionStatus
 * values are status names (`Running`), ExecutionDuration values are nanoseconds.
 */
export type VisibilityValue = string | number | boolean;

/** Comparison operators; `<>` is parsed as `!=`. */
export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A search attribute named in a query. `type` is undefined only for unknown names parsed without a registry. */
export interface AttributeRef {
  name: string;
  type: IndexedValueType | undefined;
}

/** The parsed WHERE clause of a list filter. */
export type VisibilityExpr =
  | { kind: 'and'; left: VisibilityExpr; right: VisibilityExpr }
  | { kind: 'or'; left: VisibilityExpr; right: VisibilityExpr }
  | { kind: 'not'; expr: VisibilityExpr }
  | { kind: 'compare'; attribute: AttributeRef; operator: ComparisonOperator; value: VisibilityValue }
  | { kind: 'in'; attribute: AttributeRef; values: VisibilityValue[]; negated: boolean }
  | { kind: 'between'; attribute: AttributeRef; from: VisibilityValue; to: VisibilityValue; negated: boolean }
  | { kind: 'startsWith'; attribute: AttributeRef; prefix: string; negated: boolean }
  | { kind: 'isNull'; attribute: AttributeRef; negated: boolean };

/** One `ORDER BY` term. */
export interface OrderByItem {
  attribute: AttributeRef;
  descending: boolean;
}

/** A parsed list filter: `[where] [GROUP BY ExecutionStatus] [ORDER BY attr [ASC|DESC], ...]`. */
export interface VisibilityQuery {
  /** The original query text. */
  text: string;
  /** Absent for an empty filter (everything matches). */
  where?: VisibilityExpr;
  orderBy: OrderByItem[];
  /** Present only for `GROUP BY`; the real server allows exactly one attribute, ExecutionStatus. */
  groupBy?: AttributeRef[];
}

/**
 * A malformed list filter: syntax error, unknown attribute, unsupported operator or a value of the
 * wrong type. The message names the offending token or attribute and its 1-based position; the RPC
 * layer answers INVALID_ARGUMENT with it.
 *
 * @example
 * ```ts
 * try { parseVisibilityQuery("WorkflowId = "); } catch (e) {
 *   if (e instanceof VisibilityQueryError) console.log(e.position, e.message);
 * }
 * ```
 */
export class VisibilityQueryError extends Error {
  /** 1-based character position in the query, when the error has one. */
  readonly position: number | undefined;
  /** The offending token or attribute name, when the error has one. */
  readonly token: string | undefined;

  constructor(message: string, options: { position?: number; token?: string } = {}) {
    super(message);
    this.position = options.position;
    this.token = options.token;
  }

  override get name(): string {
    return 'VisibilityQueryError';
  }
}
