/**
 * `Client`: the entry point users hold. Binds a connection, a namespace, a data converter, an
 * identity and interceptors, and exposes `workflow`, `schedule` and `activity`.
 */
import { resolveDataConverter } from '../converter';
import type { DataConverter, LoadedDataConverter } from '../converter/types';
import { AsyncCompletionClient } from './async-completion-client';
import { Connection } from './connection';
import { queryRejectCondition, type QueryRejectCondition } from './enums';
import { InvalidOptionError } from './errors';
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
export interface ClientOptions {
  connection: Connection;
  /** Defaults to `'default'`. */
  namespace?: string;
  dataConverter?: DataConverter;
  /** Defaults to the connection's identity. */
  identity?: string;
  interceptors?: ClientInterceptors;
  /** Default `queryRejectCondition` for every query of this client. */
  queryRejectCondition?: QueryRejectCondition | number;
}

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
    if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'must be an object');
    if (!(options.connection instanceof Connection)) {
      throw new InvalidOptionError('connection', 'must be a Connection (from Connection.connect)');
    }
    const namespace = options.namespace ?? 'default';
    if (typeof namespace !== 'string' || namespace === '') throw new InvalidOptionError('namespace', 'must be a non-empty string');
    const identity = options.identity ?? options.connection.identity;
    if (typeof identity !== 'string' || identity === '') throw new InvalidOptionError('identity', 'must be a non-empty string');
    const workflowInterceptors = options.interceptors?.workflow ?? [];
    if (!Array.isArray(workflowInterceptors)) throw new InvalidOptionError('interceptors.workflow', 'must be an array');
    const scheduleInterceptors = options.interceptors?.schedule ?? [];
    if (!Array.isArray(scheduleInterceptors)) throw new InvalidOptionError('interceptors.schedule', 'must be an array');

    this.connection = options.connection;
    this.namespace = namespace;
    this.identity = identity;
    this.dataConverter = resolveDataConverter(options.dataConverter);
    const service = this.connection.workflowService;
    this.workflow = new WorkflowClient({
      service,
      namespace,
      identity,
      dataConverter: this.dataConverter,
      interceptors: workflowInterceptors,
      queryRejectCondition:
        options.queryRejectCondition === undefined
          ? undefined
          : queryRejectCondition.encode(options.queryRejectCondition, 'queryRejectCondition'),
    });
    this.schedule = new ScheduleClient({
      service,
      namespace,
      identity,
      dataConverter: this.dataConverter,
      interceptors: scheduleInterceptors,
    });
    this.activity = new AsyncCompletionClient({ service, namespace, identity, dataConverter: this.dataConverter });
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
