/**
 * Task tokens: opaque to workers, versioned JSON to us. A token names exactly one attempt of one task,
 * so a late completion of an earlier attempt (or of a closed run) is recognised and answered NotFound.
 */
import { invalidArgument } from './errors';

export type TaskToken =
  | { v: 1; k: 'wft'; ns: string; wf: string; run: string; sched: number; attempt: number }
  | { v: 1; k: 'act'; ns: string; wf: string; run: string; sched: number; attempt: number }
  | { v: 1; k: 'query'; ns: string; wf: string; run: string; qid: string };

export function encodeToken(token: TaskToken): Uint8Array {
  return Buffer.from(JSON.stringify(token), 'utf8');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

const MALFORMED = 'Error deserializing task token.';

/** Decodes a token of the expected kind; anything else is INVALID_ARGUMENT (the real server's wording). */
export function decodeToken<K extends TaskToken['k']>(
  bytes: Uint8Array | null | undefined,
  kind: K,
): Extract<TaskToken, { k: K }> {
  // Messages as the real server words them.
  if (!bytes || bytes.length === 0) throw invalidArgument('Task token not set on request.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw invalidArgument(MALFORMED);
  }
  if (!isObject(parsed) || parsed.v !== 1 || parsed.k !== kind) {
    throw invalidArgument(MALFORMED);
  }
  if (typeof parsed.ns !== 'string' || typeof parsed.wf !== 'string' || typeof parsed.run !== 'string') {
    throw invalidArgument(MALFORMED);
  }
  return parsed as Extract<TaskToken, { k: K }>;
}
