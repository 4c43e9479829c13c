import { parseGoDurationNanos } from '../policy/go-duration';
import { executionStatusFromName, executionStatusName } from './execution-status';
import {
  type AttributeRef,
  type ComparisonOperator,
  type OrderByItem,
  type VisibilityExpr,
  type VisibilityQuery,
  type VisibilityValue,
  VisibilityQueryError,
} from './query-ast';
import { IndexedValueType, indexedValueTypeName, parseRfc3339Ms, SearchAttributeRegistry } from './search-attributes';
import { type Token, tokenize } from './tokenizer';

const T = IndexedValueType;

// Types a query may resolve without a registry: system, predefined and the dev server's defaults.
const DEFAULT_TYPES = new SearchAttributeRegistry();

const KEYWORD_OPS = new Set(['=', '!=', '<', '<=', '>', '>=', 'IN', 'BETWEEN', 'STARTS_WITH']);
const KEYWORD_LIST_OPS = new Set(['=', '!=', 'IN']);
const TEXT_OPS = new Set(['=', '!=']);
const ORDERED_OPS = new Set(['=', '!=', '<', '<=', '>', '>=', 'IN', 'BETWEEN']);
const BOOL_OPS = new Set(['=', '!=', '<', '<=', '>', '>=', 'IN']);

function allowedOps(type: IndexedValueType | undefined): Set<string> | undefined {
  switch (type) {
    case T.INDEXED_VALUE_TYPE_KEYWORD:
      return KEYWORD_OPS;
    case T.INDEXED_VALUE_TYPE_KEYWORD_LIST:
      return KEYWORD_LIST_OPS;
    case T.INDEXED_VALUE_TYPE_TEXT:
      return TEXT_OPS;
    case T.INDEXED_VALUE_TYPE_BOOL:
      return BOOL_OPS;
    case T.INDEXED_VALUE_TYPE_INT:
    case T.INDEXED_VALUE_TYPE_DOUBLE:
    case T.INDEXED_VALUE_TYPE_DATETIME:
      return ORDERED_OPS;
    default:
      return undefined;
  }
}

type Literal =
  | { kind: 'string'; value: string; token: Token }
  | { kind: 'number'; value: number; integer: boolean; raw: string; token: Token }
  | { kind: 'bool'; value: boolean; token: Token };

function describe(token: Token): string {
  return token.kind === 'end' ? 'end of query' : JSON.stringify(token.text);
}

class Parser {
  private index = 0;
  private readonly tokens: Token[];

  constructor(
    private readonly text: string,
    private readonly registry: SearchAttributeRegistry | undefined,
  ) {
    this.tokens = tokenize(text);
  }

  parse(): VisibilityQuery {
    const query: VisibilityQuery = { text: this.text, orderBy: [] };
    if (this.peek().kind === 'end') return query;
    if (!this.isKeyword('ORDER') && !this.isKeyword('GROUP')) query.where = this.parseOr();
    if (this.isKeyword('GROUP')) query.groupBy = this.parseGroupBy();
    if (this.isKeyword('ORDER')) query.orderBy = this.parseOrderBy();
    const next = this.peek();
    if (next.kind === 'keyword' && next.value === 'LIMIT') {
      throw this.error(`'LIMIT' clause is not supported (position ${next.pos})`, next);
    }
    if (next.kind !== 'end') throw this.error(`unexpected ${describe(next)} at position ${next.pos}`, next);
    return query;
  }

  private parseGroupBy(): AttributeRef[] {
    this.next();
    this.expectKeyword('BY', 'after GROUP');
    const attributes = [this.parseAttribute()];
    while (this.isOperator(',')) {
      const comma = this.next();
      throw this.error(`'GROUP BY' clause supports only a single field (position ${comma.pos})`, comma);
    }
    const [attribute] = attributes as [AttributeRef];
    if (attribute.name !== 'ExecutionStatus') {
      throw new VisibilityQueryError(
        `invalid query: 'GROUP BY' clause is not supported for search attribute ${attribute.name}; only ExecutionStatus`,
        { token: attribute.name },
      );
    }
    return attributes;
  }

  private parseOrderBy(): OrderByItem[] {
    this.next();
    this.expectKeyword('BY', 'after ORDER');
    const items: OrderByItem[] = [];
    do {
      const token = this.peek();
      const attribute = this.parseAttribute();
      if (attribute.type === T.INDEXED_VALUE_TYPE_TEXT) {
        throw this.error(`unable to sort by ${attribute.name} of type Text (position ${token.pos})`, token);
      }
      let descending = false;
      if (this.isKeyword('ASC')) this.next();
      else if (this.isKeyword('DESC')) {
        this.next();
        descending = true;
      }
      items.push({ attribute, descending });
    } while (this.isOperator(',') && this.next());
    return items;
  }

  private parseOr(): VisibilityExpr {
    let left = this.parseAnd();
    while (this.isKeyword('OR')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): VisibilityExpr {
    let left = this.parseNot();
    while (this.isKeyword('AND')) {
      this.next();
      left = { kind: 'and', left, right: this.parseNot() };
    }
    return left;
  }

  private parseNot(): VisibilityExpr {
    if (this.isKeyword('NOT')) {
      this.next();
      return { kind: 'not', expr: this.parseNot() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): VisibilityExpr {
    if (this.isOperator('(')) {
      const open = this.next();
      const expr = this.parseOr();
      if (!this.isOperator(')')) {
        const found = this.peek();
        throw this.error(
          `expected ')' to close '(' at position ${open.pos} but found ${describe(found)} at position ${found.pos}`,
          found,
        );
      }
      this.next();
      return expr;
    }
    return this.parsePredicate();
  }

  private parsePredicate(): VisibilityExpr {
    const attrToken = this.peek();
    const attribute = this.parseAttribute();
    const opToken = this.peek();

    if (opToken.kind === 'operator' && ['=', '!=', '<', '<=', '>', '>='].includes(opToken.value)) {
      this.next();
      const operator = opToken.value as ComparisonOperator;
      this.checkOperator(attribute, operator, opToken);
      const value = this.convert(attribute, this.parseLiteral(opToken));
      return { kind: 'compare', attribute, operator, value };
    }

    if (this.isKeyword('IS')) {
      this.next();
      let negated = false;
      if (this.isKeyword('NOT')) {
        this.next();
        negated = true;
      }
      const nullToken = this.peek();
      if (!this.isKeyword('NULL')) {
        throw this.error(
          `'IS' can only be used as 'IS NULL' or 'IS NOT NULL'; found ${describe(nullToken)} at position ${nullToken.pos}`,
          nullToken,
        );
      }
      this.next();
      return { kind: 'isNull', attribute, negated };
    }

    let negated = false;
    if (this.isKeyword('NOT')) {
      this.next();
      negated = true;
    }
    const kwToken = this.peek();
    if (this.isKeyword('IN')) {
      this.next();
      this.checkOperator(attribute, 'IN', kwToken);
      return { kind: 'in', attribute, values: this.parseValueList(attribute, kwToken), negated };
    }
    if (this.isKeyword('BETWEEN')) {
      this.next();
      this.checkOperator(attribute, 'BETWEEN', kwToken);
      const from = this.convert(attribute, this.parseLiteral(kwToken));
      const andToken = this.peek();
      if (!this.isKeyword('AND')) {
        throw this.error(
          `expected AND in BETWEEN for ${attribute.name} but found ${describe(andToken)} at position ${andToken.pos}`,
          andToken,
        );
      }
      this.next();
      const to = this.convert(attribute, this.parseLiteral(andToken));
      return { kind: 'between', attribute, from, to, negated };
    }
    if (this.isKeyword('STARTS_WITH')) {
      this.next();
      this.checkOperator(attribute, 'STARTS_WITH', kwToken);
      const literal = this.parseLiteral(kwToken);
      const prefix = this.convert(attribute, literal);
      if (typeof prefix !== 'string') {
        throw this.error(`STARTS_WITH needs a string for ${attribute.name} (position ${literal.token.pos})`, literal.token);
      }
      return { kind: 'startsWith', attribute, prefix, negated };
    }
    if (this.isKeyword('LIKE')) {
      throw this.error(`operator LIKE is not supported (position ${kwToken.pos}); use STARTS_WITH`, kwToken);
    }
    if (negated) {
      throw this.error(
        `expected IN, BETWEEN or STARTS_WITH after NOT but found ${describe(kwToken)} at position ${kwToken.pos}`,
        kwToken,
      );
    }
    throw this.error(
      `expected an operator after ${attribute.name} (position ${attrToken.pos}) but found ${describe(opToken)} at position ${opToken.pos}`,
      opToken,
    );
  }

  private parseValueList(attribute: AttributeRef, after: Token): VisibilityValue[] {
    const open = this.peek();
    if (!this.isOperator('(')) {
      throw this.error(`expected '(' after IN but found ${describe(open)} at position ${open.pos}`, open);
    }
    this.next();
    const values: VisibilityValue[] = [];
    for (;;) {
      values.push(this.convert(attribute, this.parseLiteral(after)));
      if (this.isOperator(',')) {
        this.next();
        continue;
      }
      if (this.isOperator(')')) {
        this.next();
        return values;
      }
      const found = this.peek();
      throw this.error(`expected ',' or ')' in IN list but found ${describe(found)} at position ${found.pos}`, found);
    }
  }

  private parseAttribute(): AttributeRef {
    const token = this.peek();
    if (token.kind !== 'identifier') {
      throw this.error(`expected a search attribute name but found ${describe(token)} at position ${token.pos}`, token);
    }
    this.next();
    const name = token.value;
    if (this.registry) {
      const type = this.registry.typeOf(name);
      if (type === undefined) {
        throw this.error(`unknown search attribute ${name} at position ${token.pos}`, token);
      }
      return { name, type };
    }
    return { name, type: DEFAULT_TYPES.typeOf(name) };
  }

  private parseLiteral(after: Token): Literal {
    const token = this.next();
    if (token.kind === 'string') return { kind: 'string', value: token.value, token };
    if (token.kind === 'keyword' && (token.value === 'TRUE' || token.value === 'FALSE')) {
      return { kind: 'bool', value: token.value === 'TRUE', token };
    }
    let sign = '';
    let numberToken: Token = token;
    if (token.kind === 'operator' && (token.value === '-' || token.value === '+')) {
      sign = token.value === '-' ? '-' : '';
      numberToken = this.next();
      if (numberToken.kind !== 'number') {
        throw this.error(
          `expected a number after ${JSON.stringify(token.text)} at position ${token.pos} but found ${describe(numberToken)}`,
          numberToken,
        );
      }
    }
    if (numberToken.kind === 'number') {
      const raw = sign + numberToken.value;
      return { kind: 'number', value: Number(raw), integer: /^-?\d+$/.test(raw), raw, token: numberToken };
    }
    if (token.kind === 'identifier') {
      throw this.error(
        `column name ${token.text} on the right side of a comparison at position ${token.pos} (did you forget to quote it?)`,
        token,
      );
    }
    throw this.error(
      `expected a value after ${describe(after)} at position ${after.pos} but found ${describe(token)}` +
        (token.kind === 'end' ? '' : ` at position ${token.pos}`),
      token,
    );
  }

  private checkOperator(attribute: AttributeRef, operator: string, token: Token): void {
    const ops = allowedOps(attribute.type);
    if (ops === undefined || ops.has(operator)) return;
    const typeName = indexedValueTypeName(attribute.type as IndexedValueType);
    throw this.error(
      `operator ${operator} is not supported for ${attribute.name} of type ${typeName} (position ${token.pos})`,
      token,
    );
  }

  /** Checks a literal against the attribute's type and brings it to the form the evaluator compares. */
  private convert(attribute: AttributeRef, literal: Literal): VisibilityValue {
    const { name, type } = attribute;
    const where = `at position ${literal.token.pos}`;
    const mismatch = (): VisibilityQueryError => {
      const typeName = type === undefined ? 'unknown' : indexedValueTypeName(type);
      return this.error(
        `invalid value ${literal.token.text} for search attribute ${name} of type ${typeName} ${where}`,
        literal.token,
      );
    };

    if (name === 'ExecutionStatus') {
      const status =
        literal.kind === 'string'
          ? executionStatusFromName(literal.value)
          : literal.kind === 'number' && literal.integer
            ? literal.value
            : undefined;
      const statusName = status === undefined ? undefined : executionStatusName(status);
      if (statusName === undefined) {
        throw this.error(`invalid ExecutionStatus value ${literal.token.text} ${where}`, literal.token);
      }
      return statusName;
    }
    if (name === 'ExecutionDuration') {
      if (literal.kind === 'number' && literal.integer) return literal.value;
      const nanos = literal.kind === 'string' ? parseGoDurationNanos(literal.value) : undefined;
      if (nanos === undefined) {
        throw this.error(`invalid duration ${literal.token.text} for ExecutionDuration ${where}`, literal.token);
      }
      return nanos;
    }

    switch (type) {
      case undefined:
        return literal.value;
      case T.INDEXED_VALUE_TYPE_KEYWORD:
      case T.INDEXED_VALUE_TYPE_KEYWORD_LIST:
        if (literal.kind !== 'string') throw mismatch();
        return literal.value;
      case T.INDEXED_VALUE_TYPE_TEXT:
        if (literal.kind !== 'string') throw mismatch();
        if (literal.value.trim() === '') {
          throw this.error(`no tokens found filtering on Text search attribute ${name} ${where}`, literal.token);
        }
        return literal.value;
      case T.INDEXED_VALUE_TYPE_INT:
      case T.INDEXED_VALUE_TYPE_DOUBLE:
        if (literal.kind !== 'number') throw mismatch();
        return literal.value;
      case T.INDEXED_VALUE_TYPE_BOOL:
        if (literal.kind !== 'bool') throw mismatch();
        return literal.value;
      case T.INDEXED_VALUE_TYPE_DATETIME: {
        if (literal.kind === 'number' && literal.integer) {
          // Epoch nanoseconds: BigInt keeps the precision a double would lose at this magnitude.
          const nanos = BigInt(literal.raw);
          return Number(nanos / 1_000_000n) + Number(nanos % 1_000_000n) / 1e6;
        }
        if (literal.kind === 'string') {
          const ms = parseRfc3339Ms(literal.value);
          if (ms === undefined) {
            throw this.error(`unable to parse datetime ${literal.token.text} for ${name} ${where}`, literal.token);
          }
          return ms;
        }
        throw mismatch();
      }
      default:
        throw mismatch();
    }
  }

  private error(message: string, token: Token): VisibilityQueryError {
    return new VisibilityQueryError(`invalid query: ${message}`, {
      position: token.pos,
      token: token.kind === 'end' ? '' : token.text,
    });
  }

  private expectKeyword(keyword: string, context: string): void {
    const token = this.peek();
    if (!this.isKeyword(keyword)) {
      throw this.error(`expected ${keyword} ${context} but found ${describe(token)} at position ${token.pos}`, token);
    }
    this.next();
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.tokens[this.index] as Token;
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private isKeyword(value: string): boolean {
    const token = this.peek();
    return token.kind === 'keyword' && token.value === value;
  }

  private isOperator(value: string): boolean {
    const token = this.peek();
    return token.kind === 'operator' && token.value === value;
  }
}

/**
 * Parses a Temporal list filter (the `query` of `ListWorkflowExecutions` and
 * `CountWorkflowExecutions`): comparisons (`=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`), `[NOT] IN (...)`,
 * `[NOT] BETWEEN a AND b`, `[NOT] STARTS_WITH`, `IS [NOT] NULL`, `AND`/`OR`/`NOT` with parentheses,
 * `GROUP BY ExecutionStatus` and `ORDER BY attr [ASC|DESC], ...`. Datetime values are RFC 3339
 * strings or epoch-nanosecond integers; ExecutionStatus takes `'Running'`-style names or numbers.
 *
 * With a registry, unknown attribute names are errors; without one, they are accepted untyped and
 * compared by the runtime type of their values. Operators and value types follow the real server
 * (e.g. STARTS_WITH only on Keyword, Text only `=`/`!=`, KeywordList `=` meaning "contains").
 *
 * @throws VisibilityQueryError naming the offending token or attribute and its position.
 * @example
 * ```ts
 * const q = parseVisibilityQuery("WorkflowType = 'order' AND ExecutionStatus = 'Running' ORDER BY StartTime", registry);
 * ```
 */
export function parseVisibilityQuery(query: string, registry?: SearchAttributeRegistry): VisibilityQuery {
  if (typeof query !== 'string') {
    throw new VisibilityQueryError(`invalid query: expected a string, got ${typeof query}`);
  }
  return new Parser(query, registry).parse();
}
