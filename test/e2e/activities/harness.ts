/**
 * The activity e2e setup: the embedded dev server, the OFFICIAL worker running the test workflows
 * (workflows only), the official client starting them, and OUR worker serving the activities on the
 * same task queue.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Client as OfficialClient, Connection as OfficialConnection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker as OfficialWorker } from '@temporalio/worker';
import { Connection } from '../../../lib/client';
import { LevelLogger, type LogLevel, type LogMetadata } from '../../../lib/worker/logger';
import { Worker, type WorkerOptions } from '../../../lib/worker';
import type { ActivityCall, ActivityOutcome } from './workflows';

export interface DevServerHandle {
  address: string;
  namespace: string;
  stop(): Promise<void>;
}

/** Keeps worker log lines in memory and prints warnings and errors, so failures stay diagnosable. */
export class TestLogger extends LevelLogger {
  readonly lines: { level: LogLevel; message: string; meta?: LogMetadata }[] = [];
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.lines.push({ level, message, meta });
    if (level === 'ERROR') console.error(`[our worker] ${message}`, meta ?? '');
  }
}

let officialRuntimeInstalled = false;

/** Everything one e2e file shares: started once in `beforeAll`, closed in `afterAll`. */
export class ActivityE2E {
  private counter = 0;

  private constructor(
    readonly server: DevServerHandle,
    readonly connection: Connection,
    readonly officialClient: OfficialClient,
    private readonly officialClientConnection: OfficialConnection,
    private readonly nativeConnection: NativeConnection,
    private readonly workflowCode: string,
  ) {}

  static async start(server: DevServerHandle): Promise<ActivityE2E> {
    if (!officialRuntimeInstalled) {
      Runtime.install({ logger: new DefaultLogger('WARN') });
      officialRuntimeInstalled = true;
    }
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, 'workflows.ts'),
      logger: new DefaultLogger('WARN'),
    });
    const connection = await Connection.connect({ address: server.address });
    const officialClientConnection = await OfficialConnection.connect({ address: server.address });
    const officialClient = new OfficialClient({ connection: officialClientConnection, namespace: server.namespace });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    return new ActivityE2E(server, connection, officialClient, officialClientConnection, nativeConnection, code);
  }

  async close(): Promise<void> {
    await this.nativeConnection.close();
    await this.officialClientConnection.close();
    await this.connection.close();
  }

  uniqueTaskQueue(): string {
    return `activities-${++this.counter}-${randomUUID()}`;
  }

  /** Our worker's options for a test, on `taskQueue`, quiet unless something goes wrong. */
  ourWorkerOptions(taskQueue: string, options: Partial<WorkerOptions>): WorkerOptions {
    return {
      connection: this.connection,
      namespace: this.server.namespace,
      taskQueue,
      handleSignals: false,
      logger: new TestLogger(),
      ...options,
    };
  }

  /**
   * Runs `fn` while the official worker serves the test workflows and our worker (built from
   * `options`) serves the activities on one fresh task queue; shuts both down afterwards.
   */
  async withWorkers<T>(options: Partial<WorkerOptions>, fn: (ctx: { taskQueue: string; worker: Worker }) => Promise<T>): Promise<T> {
    const taskQueue = this.uniqueTaskQueue();
    const worker = await Worker.create(this.ourWorkerOptions(taskQueue, options));
    return this.withWorkflowWorker(taskQueue, () => worker.runUntil(() => fn({ taskQueue, worker })));
  }

  /** Runs `fn` while the official worker serves the test workflows (workflows only) on `taskQueue`. */
  async withWorkflowWorker<T>(taskQueue: string, fn: () => Promise<T>): Promise<T> {
    const official = await OfficialWorker.create({
      connection: this.nativeConnection,
      namespace: this.server.namespace,
      taskQueue,
      workflowBundle: { code: this.workflowCode },
      activities: undefined,
    });
    return official.runUntil(fn);
  }

  /** Starts `callActivity` and returns its outcome. */
  callActivity(taskQueue: string, call: ActivityCall): Promise<ActivityOutcome> {
    return this.officialClient.workflow.execute('callActivity', { taskQueue, workflowId: randomUUID(), args: [call] });
  }
}
