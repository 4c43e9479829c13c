/**
 * The environment's client for a time-skipping server: waiting for a workflow's result unlocks time
 * skipping for the wait (and locks it again after), as the official test environment's client does,
 * so `await handle.result()` of a workflow that sleeps for a month returns at once.
 */
import { Client, type ClientOptions } from '../client/client';
import { WorkflowClient, type WorkflowClientOptions } from '../client/workflow-client';
import type { TestService } from '../client/connection';

/**
 * @example
 * ```ts
 * const workflows = new TimeSkippingWorkflowClient({ connection }, connection.testService);
 * await workflows.getHandle('long-sleeper').result(); // time skips while this waits
 * ```
 */
export class TimeSkippingWorkflowClient extends WorkflowClient {
  constructor(
    options: WorkflowClientOptions,
    private readonly testService: TestService,
  ) {
    super(options);
  }

  override async _result(workflowId: string, runId: string | undefined, followRuns: boolean): Promise<unknown> {
    await this.testService.unlockTimeSkipping({});
    let result: unknown;
    try {
      result = await super._result(workflowId, runId, followRuns);
    } catch (err) {
      // The workflow's failure is what the caller needs to see; a failed re-lock comes second.
      await this.testService.lockTimeSkipping({}).catch(() => undefined);
      throw err;
    }
    await this.testService.lockTimeSkipping({});
    return result;
  }
}

/**
 * A `Client` whose `workflow` is a {@link TimeSkippingWorkflowClient}.
 *
 * @example
 * ```ts
 * const client = new TimeSkippingClient({ connection, namespace: 'default' }, connection.testService);
 * ```
 */
export class TimeSkippingClient extends Client {
  declare readonly workflow: TimeSkippingWorkflowClient;

  constructor(options: ClientOptions, testService: TestService) {
    super(options);
    this.workflow = new TimeSkippingWorkflowClient(
      {
        connection: this.connection,
        namespace: this.namespace,
        identity: this.identity,
        dataConverter: this.dataConverter,
        interceptors: options.interceptors?.workflow,
        queryRejectCondition: options.queryRejectCondition,
      },
      testService,
    );
  }
}
