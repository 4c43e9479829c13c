import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundle } from '../../lib/worker/workflow/bundler';
import { WorkflowRunner } from '../../lib/worker/workflow/workflow-runner';
import { ActivationBuilder, commandsOf, fromPayload } from './helpers/activations';

const dir = join(__dirname, 'fixtures', 'extensions');
let bundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleWorkflowCode({
    workflowsPath: join(dir, 'workflows.ts'),
    workflowInterceptorModules: [join(dir, 'interceptors.ts')],
    payloadConverterPath: join(dir, 'payload-converter.ts'),
    cacheDir: false,
  });
});

describe('bundle extensions', () => {
  it('runs workflow interceptors from workflowInterceptorModules', async () => {
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test' });
    const [schedule] = commandsOf(await runner.activate(new ActivationBuilder('ext-interceptor').start('callsEcho', ['hi'])));
    expect(new TextDecoder().decode(schedule?.scheduleActivity?.headers?.intercepted?.data ?? undefined)).toBe('yes');
  });

  it('converts payloads inside the sandbox with the payload converter from payloadConverterPath', async () => {
    const runner = new WorkflowRunner({ bundle, taskQueue: 'test' });
    const [schedule] = commandsOf(await runner.activate(new ActivationBuilder('ext-converter').start('callsEcho', ['hi'])));
    expect(fromPayload(schedule?.scheduleActivity?.arguments?.[0])).toBe('HI');
  });
});
