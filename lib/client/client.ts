/**
 * `Client`: the entry point users hold. Binds a connection, a namespace, a data converter, an
 * identity and interceptors, and exposes `workflow`, `schedule` and `activity`.
 */
import type { LoadedDataConverter } from '../converter/types';
import { AsyncCompletionClient } from './async-completion-client';
import { InvalidOptionError, checkedOptions, type OptionKeys } from '../common/options-validation';
import { interceptorList, resolveClientContext, type BaseClientOptions } from './client-context';
import { Connection } from './connection';
import type { QueryRejectCondition } from './enums';
import type { ClientInterceptors } from './interceptors';
import { ScheduleClient } from './schedule-client';
import { WorkflowClient } from './workflow-client';
import type { WorkflowService } from './workflow-service';

/**
 * @example
 * ```ts
 * const options: ClientOptions = { connection, namespace: 'payments', identity: 'billing-api' };
 * ```
 */
export interface ClientOptions extends BaseClientOptions {
  interceptors?: ClientInterceptors;
  /** Default `queryRejectCondition` for every query of this client. */
  queryRejectCondition?: QueryRejectCondition | number;
  /** The official client's place for the same default: `workflow: { queryRejectCondition }`. */
  workflow?: { queryRejectCondition?: QueryRejectCondition | number };
}

/** Every key of `new Client(options)`; the official `plugins` is refused rather than ignored. */
const CLIENT_KEYS: OptionKeys = {
  kind: 'Client option',
  supported: ['connection', 'namespace', 'identity', 'dataConverter', 'interceptors', 'queryRejectCondition', 'workflow'],
  unsupported: {
    plugins: 'client plugins are not supported: apply what the plugin configures (interceptors, data converter) as Client options directly',
  },
};

/** The default query reject condition, from either place; giving both is ambiguous. */
function defaultQueryRejectCondition(options: ClientOptions): QueryRejectCondition | number | undefined {
  if (options.workflow === undefined) return options.queryRejectCondition;
  const workflow = checkedOptions(options.workflow, 'workflow', { kind: 'Client workflow option', supported: ['queryRejectCondition'] });
  const nested = workflow.queryRejectCondition as QueryRejectCondition | number | undefined;
  if (nested !== undefined && options.queryRejectCondition !== undefined) {
    throw new InvalidOptionError('workflow.queryRejectCondition', 'and queryRejectCondition are the same option: give one of them');
  }
  return nested ?? options.queryRejectCondition;
}

const CLIENT_INTERCEPTOR_KEYS: OptionKeys = {
  kind: 'client interceptor kind',
  supported: ['workflow', 'schedule'],
  unsupported: {
    activity: 'standalone activity executions (client.activity.start and friends) are not supported here, so there are no calls to intercept; intercept activities on the worker (interceptors.activity of Worker.create)',
    nexus: 'Nexus operations are not supported by this SDK, so there are no calls to intercept',
  },
};

/**
 * @example
 * ```ts
 * const connection = await Connection.connect({ address: 'localhost:7233' });
 * const client = new Client({ connection, namespace: 'default' });
 * const result = await client.workflow.execute(greet, { taskQueue: 'hello', workflowId: 'greet-1', args: ['Ada'] });
 * ```
 */
export class Client {
  readonly connection: Connection;
  readonly namespace: string;
  readonly identity: string;
  readonly dataConverter: LoadedDataConverter;
  /** Start, find, list and count workflows. */
  readonly workflow: WorkflowClient;
  /** Create, find and list schedules. */
  readonly schedule: ScheduleClient;
  /** Async activity completion. */
  readonly activity: AsyncCompletionClient;

  constructor(options: ClientOptions) {
    checkedOptions(options, 'options', CLIENT_KEYS);
    const context = resolveClientContext(options);
    const interceptors = options.interceptors === undefined ? {} : checkedOptions(options.interceptors, 'interceptors', CLIENT_INTERCEPTOR_KEYS) as ClientInterceptors;
    this.connection = context.connection;
    this.namespace = context.namespace;
    this.identity = context.identity;
    this.dataConverter = context.dataConverter;
    const shared = { connection: this.connection, namespace: this.namespace, identity: this.identity, dataConverter: this.dataConverter };
    this.workflow = new WorkflowClient({
      ...shared,
      interceptors: interceptors.workflow,
      queryRejectCondition: defaultQueryRejectCondition(options),
    });
    this.schedule = new ScheduleClient({ ...shared, interceptors: [...interceptorList(interceptors.schedule, 'interceptors.schedule')] });
    this.activity = new AsyncCompletionClient(shared);
  }

  /** Raw WorkflowService access through this client's connection. */
  get workflowService(): WorkflowService {
    return this.connection.workflowService;
  }

  /**
   * Shorthand for `client.connection.withMetadata`.
   *
   * @example
   * ```ts
   * await client.withMetadata({ 'x-request-id': id }, () => client.workflow.getHandle(wid).signal('ping'));
   * ```
   */
  withMetadata<R>(metadata: Record<string, string>, fn: () => Promise<R>): Promise<R> {
    return this.connection.withMetadata(metadata, fn);
  }

  /**
   * Shorthand for `client.connection.withDeadline`.
   *
   * @example
   * ```ts
   * await client.withDeadline(Date.now() + 2000, () => handle.query('state'));
   * ```
   */
  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    return this.connection.withDeadline(deadline, fn);
  }

  /**
   * Shorthand for `client.connection.withAbortSignal`.
   *
   * @example
   * ```ts
   * await client.withAbortSignal(AbortSignal.timeout(1000), () => handle.result());
   * ```
   */
  withAbortSignal<R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return this.connection.withAbortSignal(signal, fn);
  }
}
