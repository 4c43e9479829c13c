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

/** Decodes a token of the expected kind; anything else is INVALID_ARGUMENT naming `task_token`. */
export function decodeToken<K extends TaskToken['k']>(
  bytes: Uint8Array | null | undefined,
  kind: K,
): Extract<TaskToken, { k: K }> {
  if (!bytes || bytes.length === 0) throw invalidArgument('task_token is not set');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw invalidArgument('task_token is malformed');
  }
  if (!isObject(parsed) || parsed.v !== 1 || parsed.k !== kind) {
    throw invalidArgument('task_token is malformed or of the wrong kind');
  }
  if (typeof parsed.ns !== 'string' || typeof parsed.wf !== 'string' || typeof parsed.run !== 'string') {
    throw invalidArgument('task_token is malformed');
  }
  return parsed as Extract<TaskToken, { k: K }>;
}
