/**
 * A run's search attributes are kept as the raw payloads the SDK sent (so Describe returns exactly
 * them) after validation against the namespace's registry; an upsert replaces fields by name and a
 * JSON `null` (or empty) payload removes one.
 */
import { fromB64, toB64 } from '../codec';
import { invalidArgument } from '../errors';
import { common, type SearchAttributes, type Payload } from '../proto';
import { decodeSearchAttributes, encodeSearchAttributes, SearchAttributeError } from '../visibility';
import type { Engine } from './engine';
import type { Execution } from './execution';

function isRemoval(p: Payload): boolean {
  if (!p.data || p.data.length === 0) return true;
  return Buffer.from(p.data).toString('utf8').trim() === 'null';
}

/** Validates typed values against the registry; throws SearchAttributeError naming the attribute. */
export function validateSearchAttributes(engine: Engine, namespace: string, sa: SearchAttributes | null | undefined): void {
  const fields = Object.fromEntries(Object.entries(sa?.indexedFields ?? {}).filter(([, p]) => !isRemoval(p)));
  decodeSearchAttributes(fields, engine.registry(namespace));
}

/** Same as validateSearchAttributes, as an INVALID_ARGUMENT for API requests. */
export function requireValidSearchAttributes(engine: Engine, namespace: string, sa: SearchAttributes | null | undefined): void {
  try {
    validateSearchAttributes(engine, namespace, sa);
  } catch (err) {
    if (err instanceof SearchAttributeError) {
      // The real server's wording for an attribute the namespace does not know.
      if (engine.registry(namespace).typeOf(err.attribute) === undefined) {
        throw invalidArgument(`Namespace ${namespace} has no mapping defined for search attribute ${err.attribute}`);
      }
      throw invalidArgument(`search_attributes: ${err.message}`);
    }
    throw err;
  }
}

export function runSearchAttributes(exec: Execution): SearchAttributes {
  return exec.rec.searchAttributes ? fromB64(common.SearchAttributes, exec.rec.searchAttributes) : { indexedFields: {} };
}

/** Decoded values for visibility; attributes no longer registered are left out. */
export function decodedSearchAttributes(engine: Engine, exec: Execution): Record<string, unknown> {
  const registry = engine.registry(exec.rec.namespace);
  const out: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(runSearchAttributes(exec).indexedFields ?? {})) {
    try {
      Object.assign(out, decodeSearchAttributes({ [name]: payload }, registry));
    } catch {
      // An attribute removed from the registry after it was set is no longer visible to queries.
    }
  }
  return out;
}

export function mergeRunSearchAttributes(engine: Engine, exec: Execution, upsert: SearchAttributes): void {
  validateSearchAttributes(engine, exec.rec.namespace, upsert);
  engine.touch(exec);
  const fields = { ...(runSearchAttributes(exec).indexedFields ?? {}) };
  for (const [name, payload] of Object.entries(upsert.indexedFields ?? {})) {
    if (isRemoval(payload)) delete fields[name];
    else fields[name] = payload;
  }
  exec.rec.searchAttributes = toB64(common.SearchAttributes, { indexedFields: fields });
}

/**
 * The run's search attributes as Describe / List return them: re-encoded with the registered type in
 * the payload's `type` metadata (as the real server does), which typed SDK accessors need.
 */
export function displaySearchAttributes(engine: Engine, exec: Execution): SearchAttributes {
  return { indexedFields: encodeSearchAttributes(decodedSearchAttributes(engine, exec), engine.registry(exec.rec.namespace)) };
}

const BUILD_IDS = 'BuildIds';

/**
 * Records the build id of the worker that completed a workflow task in the `BuildIds` search
 * attribute, as the real server does: an unversioned worker adds `unversioned` and
 * `unversioned:<build id>`, a versioned one `versioned:<build id>`; values already present stay.
 */
export function recordWorkerBuildId(
  engine: Engine,
  exec: Execution,
  stamp: { buildId?: string | null; useVersioning?: boolean | null } | null | undefined,
): void {
  const fields = { ...(runSearchAttributes(exec).indexedFields ?? {}) };
  const existing = fields[BUILD_IDS];
  let current: string[] = [];
  if (existing?.data && existing.data.length > 0) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(existing.data).toString('utf8'));
      if (Array.isArray(parsed)) current = parsed.filter((v): v is string => typeof v === 'string');
    } catch {
      current = [];
    }
  }
  const buildId = stamp?.buildId ?? '';
  const versioned = !!stamp?.useVersioning;
  const wanted = [
    ...(versioned ? [] : ['unversioned']),
    buildId === '' ? 'unversioned' : `${versioned ? 'versioned' : 'unversioned'}:${buildId}`,
  ];
  const next = [...current];
  for (const value of wanted) if (!next.includes(value)) next.push(value);
  if (next.length === current.length) return;
  engine.touch(exec);
  fields[BUILD_IDS] = {
    metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('KeywordList') },
    data: Buffer.from(JSON.stringify(next)),
  };
  exec.rec.searchAttributes = toB64(common.SearchAttributes, { indexedFields: fields });
}
