import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bundleWorkflowCode } from '../../lib/worker/workflow/bundler';
import type { WorkflowBundle } from '../../lib/worker/workflow/bundler';
import { WorkflowRunner } from '../../lib/worker/workflow/workflow-runner';
import { ActivationBuilder, commandsOf, fromPayload } from './helpers/activations';

let bundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'workflows.ts'), cacheDir: false });
});

function runner(): WorkflowRunner {
  return new WorkflowRunner({ bundle, taskQueue: 'test' });
}

describe('WorkflowRunner', () => {
  it('turns proxyActivities calls into a ScheduleActivity command', async () => {
    const wf = new ActivationBuilder('run-activity');
    const [command] = commandsOf(await runner().activate(wf.start('greeting', ['Ada'])));
    expect(command?.scheduleActivity?.activityType).toBe('greet');
    expect(fromPayload(command?.scheduleActivity?.arguments?.[0])).toBe('Ada');
  });
});
