/**
 * The workflow the TLS suites run over each secured connection: one activity, so that the worker's
 * workflow and activity pollers, its completions and the client all cross the secured channel.
 */
import { proxyActivities } from '@temporalio/workflow';

const { greet } = proxyActivities<{ greet(name: string): Promise<string> }>({ startToCloseTimeout: '30s' });

export async function greetOverSecuredChannel(name: string): Promise<string> {
  return `workflow saw: ${await greet(name)}`;
}
