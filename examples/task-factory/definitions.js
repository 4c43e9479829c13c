'use strict';
// What a definition and an event may contain. Every check names the field it refuses, so the admin
// API can answer 400 with it; nothing is defaulted silently except the documented defaults.
const crypto = require('node:crypto');

/** Bad input, with the field it is about (a dotted path into the request body). */
class InputError extends Error {
  constructor(field, message) {
    super(`${field}: ${message}`);
    this.name = 'InputError';
    this.field = field;
  }
}

const ID = /^[a-z0-9][a-z0-9-]{0,47}$/;
const KEY = /^[a-z0-9][a-z0-9_-]{0,47}$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;
const DURATION = /^(\d+)\s*(ms|s|m|h)$/;
const DURATION_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'exists', 'truthy'];
const DEFINITION_FIELDS = ['id', 'name', 'enabled', 'trigger', 'timezone', 'jitter', 'context_sources', 'task_templates', 'dedupe_key_strategy', 'version'];
const MAX_TEMPLATES = 50;
const MAX_WORK_MS = 60_000;

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

function refuseUnknown(value, allowed, field) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new InputError(field ? `${field}.${key}` : key, `is not a known field (known: ${allowed.join(', ')})`);
  }
}

function requireObject(value, field) {
  if (!isObject(value)) throw new InputError(field, 'must be an object');
  return value;
}

function requireString(value, field, pattern, patternText) {
  if (typeof value !== 'string' || value.trim() === '') throw new InputError(field, 'must be a non-empty string');
  if (pattern && !pattern.test(value)) throw new InputError(field, `must match ${patternText ?? pattern}`);
  return value;
}

function isKnownTimeZone(zone) {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `'30s'`, `'500ms'`, `'2m'`, `'1h'` or a number of milliseconds. */
function parseDuration(value, field) {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new InputError(field, 'must be a whole, non-negative number of milliseconds');
    return value;
  }
  const m = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
  if (!m) throw new InputError(field, "must be a duration like '500ms', '30s', '2m', '1h' or milliseconds");
  return Number(m[1]) * DURATION_MS[m[2]];
}

function checkTrigger(value) {
  const trigger = requireObject(value, 'trigger');
  if (trigger.type === 'cron') {
    refuseUnknown(trigger, ['type', 'cron'], 'trigger');
    // The schedule client and the Temporal server check the cron line itself: their refusal
    // becomes a 400 naming trigger.cron, before anything is written.
    return { type: 'cron', cron: requireString(trigger.cron, 'trigger.cron') };
  }
  if (trigger.type === 'event') {
    refuseUnknown(trigger, ['type', 'event_type'], 'trigger');
    return { type: 'event', event_type: requireString(trigger.event_type, 'trigger.event_type', /^[A-Za-z0-9_.:-]{1,100}$/) };
  }
  throw new InputError('trigger.type', "must be 'cron' or 'event'");
}

function checkContextSources(value) {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InputError('context_sources', 'must be an array');
  const names = new Set();
  return value.map((item, i) => {
    const field = `context_sources[${i}]`;
    const source = requireObject(item, field);
    const name = requireString(source.name, `${field}.name`, NAME, 'a letter or _ then letters, digits or _');
    if (names.has(name)) throw new InputError(`${field}.name`, `'${name}' is used by an earlier source`);
    if (['item', 'index'].includes(name)) throw new InputError(`${field}.name`, `'${name}' is reserved for for_each templates`);
    names.add(name);
    switch (source.type) {
      case 'static':
        refuseUnknown(source, ['name', 'type', 'value'], field);
        if (source.value === undefined) throw new InputError(`${field}.value`, 'is required for a static source');
        return { name, type: 'static', value: source.value };
      case 'event':
        refuseUnknown(source, ['name', 'type', 'path'], field);
        return source.path === undefined ? { name, type: 'event' } : { name, type: 'event', path: requireString(source.path, `${field}.path`, PATH, 'a dotted path') };
      case 'fire_time':
        refuseUnknown(source, ['name', 'type'], field);
        return { name, type: 'fire_time' };
      default:
        throw new InputError(`${field}.type`, "must be 'static', 'event' or 'fire_time'");
    }
  });
}

function checkWhen(value, field) {
  const when = requireObject(value, field);
  refuseUnknown(when, ['path', 'op', 'value'], field);
  const path = requireString(when.path, `${field}.path`, PATH, 'a dotted path');
  if (!OPS.includes(when.op)) throw new InputError(`${field}.op`, `must be one of ${OPS.join(', ')}`);
  if (!['exists', 'truthy'].includes(when.op) && when.value === undefined) throw new InputError(`${field}.value`, `is required for op '${when.op}'`);
  return when.value === undefined ? { path, op: when.op } : { path, op: when.op, value: when.value };
}

function checkTemplates(value) {
  if (!Array.isArray(value) || value.length === 0) throw new InputError('task_templates', 'must be a non-empty array');
  if (value.length > MAX_TEMPLATES) throw new InputError('task_templates', `must have at most ${MAX_TEMPLATES} templates`);
  const keys = new Set();
  return value.map((item, i) => {
    const field = `task_templates[${i}]`;
    const t = requireObject(item, field);
    refuseUnknown(t, ['key', 'kind', 'title', 'for_each', 'when', 'assignee', 'work_ms', 'params'], field);
    const key = requireString(t.key, `${field}.key`, KEY, 'lower-case letters, digits, - or _');
    if (keys.has(key)) throw new InputError(`${field}.key`, `'${key}' is used by an earlier template`);
    keys.add(key);
    if (t.kind !== 'automated' && t.kind !== 'human') throw new InputError(`${field}.kind`, "must be 'automated' or 'human'");
    const template = { key, kind: t.kind, title: requireString(t.title, `${field}.title`) };
    if (t.for_each !== undefined) template.for_each = requireString(t.for_each, `${field}.for_each`, PATH, 'a dotted path');
    if (t.when !== undefined) template.when = checkWhen(t.when, `${field}.when`);
    if (t.assignee !== undefined) {
      if (t.kind !== 'human') throw new InputError(`${field}.assignee`, 'is only for human tasks');
      template.assignee = requireString(t.assignee, `${field}.assignee`);
    }
    if (t.work_ms !== undefined) {
      if (t.kind !== 'automated') throw new InputError(`${field}.work_ms`, 'is only for automated tasks');
      if (!Number.isInteger(t.work_ms) || t.work_ms < 0 || t.work_ms > MAX_WORK_MS) throw new InputError(`${field}.work_ms`, `must be a whole number from 0 to ${MAX_WORK_MS}`);
      template.work_ms = t.work_ms;
    }
    if (t.params !== undefined) template.params = requireObject(t.params, `${field}.params`);
    return template;
  });
}

function checkDedupeStrategy(value, trigger) {
  if (trigger.type === 'cron') {
    if (value === undefined) return { type: 'scheduled_time' };
    const s = requireObject(value, 'dedupe_key_strategy');
    refuseUnknown(s, ['type'], 'dedupe_key_strategy');
    // A scheduled run is already unique per fire time: the server puts the time in its workflow id.
    if (s.type !== 'scheduled_time') throw new InputError('dedupe_key_strategy.type', "must be 'scheduled_time' for a cron trigger");
    return { type: 'scheduled_time' };
  }
  const s = requireObject(value, 'dedupe_key_strategy');
  switch (s.type) {
    case 'event_id':
      refuseUnknown(s, ['type'], 'dedupe_key_strategy');
      return { type: 'event_id' };
    case 'payload_hash':
      refuseUnknown(s, ['type'], 'dedupe_key_strategy');
      return { type: 'payload_hash' };
    case 'payload_fields': {
      refuseUnknown(s, ['type', 'fields'], 'dedupe_key_strategy');
      if (!Array.isArray(s.fields) || s.fields.length === 0) throw new InputError('dedupe_key_strategy.fields', 'must be a non-empty array of payload paths');
      return { type: 'payload_fields', fields: s.fields.map((f, i) => requireString(f, `dedupe_key_strategy.fields[${i}]`, PATH, 'a dotted path')) };
    }
    default:
      throw new InputError('dedupe_key_strategy.type', "must be 'event_id', 'payload_fields' or 'payload_hash' for an event trigger");
  }
}

/**
 * Checks a definition as the admin API receives it and returns it normalised (defaults filled,
 * jitter in milliseconds). `version`, when given, is the version the caller last read.
 */
function parseDefinition(body, { id } = {}) {
  const input = requireObject(body, '(body)');
  refuseUnknown(input, DEFINITION_FIELDS);
  const defId = requireString(input.id ?? id, 'id', ID, 'lower-case letters, digits and -, at most 48');
  if (id !== undefined && defId !== id) throw new InputError('id', `must be '${id}', the id in the URL`);
  if (input.name !== undefined) requireString(input.name, 'name');
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') throw new InputError('enabled', 'must be true or false');
  if (input.version !== undefined && (!Number.isInteger(input.version) || input.version < 1)) throw new InputError('version', 'must be a positive whole number');
  const timezone = input.timezone === undefined ? 'UTC' : requireString(input.timezone, 'timezone');
  if (!isKnownTimeZone(timezone)) throw new InputError('timezone', `'${timezone}' is not a known IANA time zone`);
  const trigger = checkTrigger(input.trigger);
  const jitterMs = input.jitter === undefined ? 0 : parseDuration(input.jitter, 'jitter');
  if (jitterMs > 0 && trigger.type !== 'cron') throw new InputError('jitter', 'applies to cron triggers only');
  return {
    definition: {
      id: defId,
      name: input.name ?? defId,
      enabled: input.enabled ?? true,
      trigger,
      timezone,
      jitter_ms: jitterMs,
      context_sources: checkContextSources(input.context_sources),
      task_templates: checkTemplates(input.task_templates),
      dedupe_key_strategy: checkDedupeStrategy(input.dedupe_key_strategy, trigger),
    },
    expectedVersion: input.version,
  };
}

/** Checks an event as `POST /events` receives it. */
function parseEvent(body) {
  const input = requireObject(body, '(body)');
  refuseUnknown(input, ['type', 'id', 'payload']);
  const type = requireString(input.type, 'type', /^[A-Za-z0-9_.:-]{1,100}$/);
  const id = input.id === undefined ? undefined : requireString(input.id, 'id');
  return { type, id, payload: requireObject(input.payload, 'payload') };
}

function readPath(root, path) {
  let value = root;
  for (const part of path.split('.')) {
    if (!isObject(value) && !Array.isArray(value)) return undefined;
    value = value[part];
  }
  return value;
}

/** JSON with sorted keys, so equal payloads hash alike whatever their key order. */
function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

/** The event's dedupe key under a definition's strategy; an InputError names what the event lacks. */
function dedupeKey(strategy, event) {
  switch (strategy.type) {
    case 'event_id':
      if (event.id === undefined) throw new InputError('id', 'is required: the definition dedupes events by their id');
      return event.id;
    case 'payload_fields':
      return strategy.fields
        .map((path) => {
          const value = readPath(event.payload, path);
          if (value === undefined || value === null || typeof value === 'object') {
            throw new InputError(`payload.${path}`, 'is required (a string, number or boolean): the definition dedupes events by it');
          }
          return String(value);
        })
        .join('|');
    case 'payload_hash':
      return crypto.createHash('sha256').update(canonicalJson(event.payload)).digest('hex').slice(0, 32);
    default:
      throw new Error(`no dedupe key for strategy ${strategy.type}`);
  }
}

/** A workflow-id-safe form of a dedupe key: the key itself when it is short and plain, else its hash. */
function dedupeKeyForId(key) {
  return /^[A-Za-z0-9_.:-]{1,80}$/.test(key) && !key.startsWith('sha256-') ? key : `sha256-${crypto.createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

module.exports = { InputError, parseDefinition, parseEvent, parseDuration, dedupeKey, dedupeKeyForId, isKnownTimeZone };
