import { VisibilityQueryError } from './query-ast';

/** Lexical token of a list filter. `pos` is 1-based. */
export type Token =
  | { kind: 'identifier'; value: string; quoted: boolean; pos: number; text: string }
  | { kind: 'keyword'; value: string; pos: number; text: string }
  | { kind: 'string'; value: string; pos: number; text: string }
  | { kind: 'number'; value: string; pos: number; text: string }
  | { kind: 'operator'; value: string; pos: number; text: string }
  | { kind: 'end'; value: ''; pos: number; text: 'end of query' };

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'BETWEEN',
  'IS',
  'NULL',
  'STARTS_WITH',
  'ORDER',
  'GROUP',
  'BY',
  'ASC',
  'DESC',
  'TRUE',
  'FALSE',
  'LIMIT',
  'LIKE',
]);

const OPERATORS = ['<>', '!=', '<=', '>=', '=', '<', '>', '(', ')', ',', '-', '+'];
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' };

/**
 * Splits a list filter into tokens. Keywords are case-insensitive; a backquoted identifier is never
 * a keyword. Strings take single or double quotes, with backslash escapes or a doubled quote.
 */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i] as string;
    const pos = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let value = '';
      let j = i + 1;
      let closed = false;
      while (j < query.length) {
        const c = query[j] as string;
        if (c === '\\' && j + 1 < query.length) {
          const next = query[j + 1] as string;
          value += ESCAPES[next] ?? next;
          j += 2;
          continue;
        }
        if (c === ch) {
          if (query[j + 1] === ch) {
            value += ch;
            j += 2;
            continue;
          }
          closed = true;
          j++;
          break;
        }
        value += c;
        j++;
      }
      if (!closed) {
        throw new VisibilityQueryError(`invalid query: unterminated string starting at position ${pos}`, {
          position: pos,
          token: query.slice(i),
        });
      }
      tokens.push({ kind: 'string', value, pos, text: query.slice(i, j) });
      i = j;
      continue;
    }
    if (ch === '`') {
      const end = query.indexOf('`', i + 1);
      if (end < 0) {
        throw new VisibilityQueryError(`invalid query: unterminated backquoted name starting at position ${pos}`, {
          position: pos,
          token: query.slice(i),
        });
      }
      const value = query.slice(i + 1, end);
      if (value === '') {
        throw new VisibilityQueryError(`invalid query: empty backquoted name at position ${pos}`, {
          position: pos,
          token: '``',
        });
      }
      tokens.push({ kind: 'identifier', value, quoted: true, pos, text: query.slice(i, end + 1) });
      i = end + 1;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = /[0-9.]/.test(ch) ? NUMBER.exec(query) : null;
    if (num) {
      const after = query[i + num[0].length];
      if (after !== undefined && IDENT_PART.test(after)) {
        const text = /^[A-Za-z0-9_.]+/.exec(query.slice(i))?.[0] ?? num[0];
        throw new VisibilityQueryError(`invalid query: malformed number ${JSON.stringify(text)} at position ${pos}`, {
          position: pos,
          token: text,
        });
      }
      tokens.push({ kind: 'number', value: num[0], pos, text: num[0] });
      i += num[0].length;
      continue;
    }
    if (IDENT_START.test(ch)) {
      let j = i + 1;
      while (j < query.length && IDENT_PART.test(query[j] as string)) j++;
      const text = query.slice(i, j);
      const upper = text.toUpperCase();
      if (KEYWORDS.has(upper)) tokens.push({ kind: 'keyword', value: upper, pos, text });
      else tokens.push({ kind: 'identifier', value: text, quoted: false, pos, text });
      i = j;
      continue;
    }
    const op = OPERATORS.find((candidate) => query.startsWith(candidate, i));
    if (op !== undefined) {
      tokens.push({ kind: 'operator', value: op === '<>' ? '!=' : op, pos, text: op });
      i += op.length;
      continue;
    }
    throw new VisibilityQueryError(`invalid query: unexpected character ${JSON.stringify(ch)} at position ${pos}`, {
      position: pos,
      token: ch,
    });
  }
  tokens.push({ kind: 'end', value: '', pos: query.length + 1, text: 'end of query' });
  return tokens;
}
