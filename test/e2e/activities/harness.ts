/**
 * The activity e2e setup: the server of `TEMPORAL_TEST_SERVER` (ours or the real one), the OFFICIAL worker running the test workflows
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

/**
 * Everything one e2e file shares: started once in `beforeAll`, closed in `afterAll`. One official
 * worker serves the workflows on {@link taskQueue} for the whole file (creating one costs about a
 * second); each test runs its own worker of ours on that same task queue, one test at a time.
 */
export class ActivityE2E {
  private counter = 0;
  readonly taskQueue = `activities-${randomUUID()}`;
  private officialWorker: OfficialWorker | undefined;
  private officialRun: Promise<void> | undefined;

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
      // ERROR: the official worker warns that it polls no activities, which is the point here.
      Runtime.install({ logger: new DefaultLogger('ERROR') });
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
    const e2e = new ActivityE2E(server, connection, officialClient, officialClientConnection, nativeConnection, code);
    e2e.officialWorker = await e2e.createWorkflowWorker(e2e.taskQueue);
    e2e.officialRun = e2e.officialWorker.run();
    return e2e;
  }

  async close(): Promise<void> {
    if (this.officialWorker?.getState() === 'RUNNING') this.officialWorker.shutdown();
    await this.officialRun;
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
   * Runs `fn` while our worker (built from `options`) serves the activities on the shared task
   * queue; shuts it down afterwards.
   */
  async withWorkers<T>(options: Partial<WorkerOptions>, fn: (ctx: { taskQueue: string; worker: Worker }) => Promise<T>): Promise<T> {
    const worker = await Worker.create(this.ourWorkerOptions(this.taskQueue, options));
    return worker.runUntil(() => fn({ taskQueue: this.taskQueue, worker }));
  }

  /** The official worker, configured for workflows only (no activities), on `taskQueue`. */
  private createWorkflowWorker(taskQueue: string): Promise<OfficialWorker> {
    return OfficialWorker.create({
      connection: this.nativeConnection,
      namespace: this.server.namespace,
      taskQueue,
      workflowBundle: { code: this.workflowCode },
      activities: undefined,
    });
  }

  /** Starts `callActivity` and returns its outcome. */
  callActivity(taskQueue: string, call: ActivityCall): Promise<ActivityOutcome> {
    return this.officialClient.workflow.execute('callActivity', { taskQueue, workflowId: randomUUID(), args: [call] });
  }
}
