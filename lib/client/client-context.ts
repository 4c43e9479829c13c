/**
 * What every client needs from its options: a connection, a namespace, an identity and a loaded data
 * converter. `Client` and the clients it holds (`WorkflowClient`, `ScheduleClient`,
 * `AsyncCompletionClient`) all resolve their options here, so each can also be constructed on its
 * own with the official options shape (`new WorkflowClient({ connection, namespace })`), with the
 * same checks and the same errors.
 */
import { resolveDataConverter } from '../converter';
import type { DataConverter, LoadedDataConverter } from '../converter/types';
import { Connection } from './connection';
import { checkedOptions, optionalArray, optionsObject, topLevelOptions, type OptionKeys } from '../common/options-validation';
import { InvalidOptionError } from './errors';
import type { WorkflowClientInterceptor, WorkflowClientInterceptors } from './interceptors';
import type { WorkflowService } from './workflow-service';

/**
 * The options every client takes.
 *
 * @example
 * ```ts
 * const options: BaseClientOptions = { connection, namespace: 'payments', identity: 'billing-api' };
 * ```
 */
export interface BaseClientOptions {
  connection: Connection;
  /** Defaults to `'default'`. */
  namespace?: string;
  /** A data converter, or one already loaded by another client. */
  dataConverter?: DataConverter | LoadedDataConverter;
  /** Defaults to the connection's identity. */
  identity?: string;
}

export interface ClientContext {
  connection: Connection;
  service: WorkflowService;
  namespace: string;
  identity: string;
  dataConverter: LoadedDataConverter;
}

/** The keys every client takes; each client adds its own (`clientOptionKeys`). */
const BASE_CLIENT_KEYS = ['connection', 'namespace', 'dataConverter', 'identity'] as const;

/**
 * The keys of one client's options: the shared ones plus `extra`; `plugins` is refused everywhere.
 *
 * @example
 * ```ts
 * const keys = clientOptionKeys('ScheduleClient option', ['interceptors']);
 * ```
 */
export function clientOptionKeys(kind: string, extra: readonly string[]): OptionKeys {
  return {
    kind,
    supported: [...BASE_CLIENT_KEYS, ...extra],
    unsupported: { plugins: 'SDK plugins are not supported: apply what the plugin configures (interceptors, data converter) as options directly' },
  };
}

/**
 * Validates the shared options; `InvalidOptionError` names the field. With `keys`, keys outside them
 * are refused too (a caller that checked its keys itself leaves it out).
 */
export function resolveClientContext(options: BaseClientOptions, keys?: OptionKeys): ClientContext {
  if (keys === undefined) optionsObject(options, 'options');
  else topLevelOptions(options, keys);
  if (!(options.connection instanceof Connection)) {
    throw new InvalidOptionError('connection', 'must be a Connection (from Connection.connect)');
  }
  const namespace = options.namespace ?? 'default';
  if (typeof namespace !== 'string' || namespace === '') throw new InvalidOptionError('namespace', 'must be a non-empty string');
  const identity = options.identity ?? options.connection.identity;
  if (typeof identity !== 'string' || identity === '') throw new InvalidOptionError('identity', 'must be a non-empty string');
  return {
    connection: options.connection,
    service: options.connection.workflowService,
    namespace,
    identity,
    dataConverter: resolveDataConverter(options.dataConverter),
  };
}

/** An interceptor list option: absent is empty, anything but an array is refused. */
export function interceptorList<T>(value: readonly T[] | undefined, field: string): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidOptionError(field, 'must be an array');
  return value;
}

/**
 * The workflow interceptors for one call: the list as given, or (legacy form) each factory's
 * interceptor for the workflow the call is about.
 */
export type WorkflowInterceptorSource = (workflowId: string, runId?: string) => readonly WorkflowClientInterceptor[];

/** Checks a `workflow` interceptors option (list or `{ calls }`) and returns where each call gets them. */
export function workflowInterceptorSource(
  value: readonly WorkflowClientInterceptor[] | WorkflowClientInterceptors | undefined,
  field: string,
): WorkflowInterceptorSource {
  if (value === undefined) return () => [];
  if (Array.isArray(value)) {
    const list = interceptorList(value as readonly WorkflowClientInterceptor[], field);
    return () => list;
  }
  const o = checkedOptions(value, field, { kind: 'workflow interceptors option', supported: ['calls'] });
  const factories = (optionalArray(o.calls, `${field}.calls`) ?? []) as WorkflowClientInterceptors['calls'] & unknown[];
  factories.forEach((factory, i) => {
    if (typeof factory !== 'function') throw new InvalidOptionError(`${field}.calls[${i}]`, 'must be a function');
  });
  return (workflowId, runId) => factories.map((factory) => factory({ workflowId, runId }));
}
