/**
 * Task templates to tasks: a pure function of the definition's templates and the resolved context,
 * run inside the orchestrator workflow. It reads nothing but its arguments (no clock, no randomness,
 * no I/O), so a replay after a restart plans exactly the same tasks with exactly the same keys.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface TaskTemplate {
  key: string;
  kind: 'automated' | 'human';
  /** Text with `{{path}}` placeholders, e.g. `Pack {{item.sku}} for {{order.customer}}`. */
  title: string;
  /** A path to an array in the context: one task per element, seen as `item` (and `index`). */
  for_each?: string;
  when?: { path: string; op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists' | 'truthy'; value?: JsonValue };
  assignee?: string;
  work_ms?: number;
  params?: { [key: string]: JsonValue };
}

export interface PlannedTask {
  /** Unique within the run: the template key, plus `-<index>` for each element of a `for_each`. */
  key: string;
  kind: 'automated' | 'human';
  title: string;
  assignee?: string;
  work_ms: number;
  params: { [key: string]: JsonValue };
}

/** More than this many tasks from one run is a definition error, not a workload. */
export const MAX_TASKS_PER_RUN = 500;

export class TemplateError extends Error {
  constructor(
    readonly template: string,
    message: string,
  ) {
    super(`task_templates ${template}: ${message}`);
    this.name = 'TemplateError';
  }
}

type Scope = { [key: string]: JsonValue | undefined };

function read(scope: Scope, path: string): JsonValue | undefined {
  let value: JsonValue | undefined = scope as JsonValue;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = Array.isArray(value) ? value[Number(part)] : value[part];
  }
  return value;
}

function show(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Replaces each `{{path}}` with the value at that path ('' when absent). */
export function interpolate(text: string, scope: Scope): string {
  return text.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g, (_, path: string) => show(read(scope, path)));
}

function interpolateValue(value: JsonValue, scope: Scope): JsonValue {
  if (typeof value === 'string') return interpolate(value, scope);
  if (Array.isArray(value)) return value.map((v) => interpolateValue(v, scope));
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateValue(v, scope);
    return out;
  }
  return value;
}

function holds(when: NonNullable<TaskTemplate['when']>, scope: Scope): boolean {
  const actual = read(scope, when.path);
  switch (when.op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'truthy':
      return Boolean(actual) && !(Array.isArray(actual) && actual.length === 0);
    case 'eq':
      return JSON.stringify(actual) === JSON.stringify(when.value);
    case 'ne':
      return JSON.stringify(actual) !== JSON.stringify(when.value);
    default: {
      if (typeof actual !== 'number' || typeof when.value !== 'number') return false;
      if (when.op === 'gt') return actual > when.value;
      if (when.op === 'gte') return actual >= when.value;
      if (when.op === 'lt') return actual < when.value;
      return actual <= when.value;
    }
  }
}

/** The tasks a run creates, in template order then element order. */
export function planTasks(templates: TaskTemplate[], context: { [key: string]: JsonValue }): PlannedTask[] {
  const tasks: PlannedTask[] = [];
  for (const template of templates) {
    let scopes: Array<{ scope: Scope; key: string }>;
    if (template.for_each === undefined) {
      scopes = [{ scope: { ...context }, key: template.key }];
    } else {
      const items = read(context, template.for_each);
      if (items === undefined || items === null) {
        scopes = [];
      } else if (!Array.isArray(items)) {
        throw new TemplateError(template.key, `for_each '${template.for_each}' is not an array`);
      } else {
        scopes = items.map((item, index) => ({ scope: { ...context, item, index }, key: `${template.key}-${index}` }));
      }
    }
    for (const { scope, key } of scopes) {
      if (template.when && !holds(template.when, scope)) continue;
      tasks.push({
        key,
        kind: template.kind,
        title: interpolate(template.title, scope),
        ...(template.assignee === undefined ? {} : { assignee: interpolate(template.assignee, scope) }),
        work_ms: template.work_ms ?? 0,
        params: interpolateValue(template.params ?? {}, scope) as { [key: string]: JsonValue },
      });
      if (tasks.length > MAX_TASKS_PER_RUN) throw new TemplateError(template.key, `the run would create more than ${MAX_TASKS_PER_RUN} tasks`);
    }
  }
  return tasks;
}
