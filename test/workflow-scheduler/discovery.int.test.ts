import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CreatePeriodicRefreshWorkflow,
  createWorkflowScheduler,
  EmbeddedWorkflowScheduler,
  embeddedRefreshHandlerSerializer,
  ValidationException,
  WORKFLOW_SCHEDULER_TYPE,
  workflowIdOf,
} from '../../src/index.ts';

/** Flink's way in: `workflow-scheduler.type` names the factory, `workflow-scheduler.<type>.*` are its options. */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'freshet-spi-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const embedded = (options: Record<string, string>): Record<string, string> => ({
  [WORKFLOW_SCHEDULER_TYPE]: 'embedded',
  ...Object.fromEntries(Object.entries(options).map(([k, v]) => [`workflow-scheduler.embedded.${k}`, v])),
});

describe('workflow scheduler discovery (Flink SPI)', () => {
  it('the embedded factory opens a durable scheduler in its data dir: a workflow survives a reopen', async () => {
    const config = embedded({ 'data-dir': dir, 'time-zone': 'UTC', 'misfire-policy': 'skip' });
    const first = await createWorkflowScheduler(config);
    expect(first).toBeInstanceOf(EmbeddedWorkflowScheduler);
    await first!.open();
    const handler = await first!.createRefreshWorkflow(new CreatePeriodicRefreshWorkflow('`cat`.`db`.`t1`', 'SELECT 1', '0 0 2 * * ?'));
    const bytes = first!.getRefreshHandlerSerializer().serialize(handler);
    await first!.close();
    expect(existsSync(join(dir, 'events.sqlite'))).toBe(true);

    const again = (await createWorkflowScheduler(config)) as EmbeddedWorkflowScheduler;
    await again.open();
    const restored = embeddedRefreshHandlerSerializer.deserialize(bytes);
    const state = again.engine.workflow(workflowIdOf(restored.workflowGroup, restored.workflowName));
    expect(state?.def).toMatchObject({ tableIdentifier: '`cat`.`db`.`t1`', cronExpression: '0 0 2 * * ?', timeZone: 'UTC', misfirePolicy: 'skip' });
    expect(state?.status).toBe('active');
    await again.close();
  });

  it('no type configured: no scheduler, and Flink’s warning', async () => {
    const warnings: string[] = [];
    expect(await createWorkflowScheduler({}, {}, undefined, (m) => warnings.push(m))).toBeNull();
    expect(warnings).toEqual([`Workflow scheduler options do not contain an option key '${WORKFLOW_SCHEDULER_TYPE}' for discovering an workflow scheduler.`]);
  });

  it('refuses an unknown factory, an unsupported option and a bad value, saying what to fix', async () => {
    await expect(createWorkflowScheduler({ [WORKFLOW_SCHEDULER_TYPE]: 'quartz' })).rejects.toThrow(
      /Could not find any factory for identifier 'quartz'.*\n\nAvailable factory identifiers are:\n\nembedded/s,
    );
    await expect(createWorkflowScheduler(embedded({ 'data-dir': dir, colour: 'blue' }))).rejects.toThrow(/Unsupported options found for 'embedded'\.\n\nUnsupported options:\n\ncolour/);
    await expect(createWorkflowScheduler(embedded({ 'misfire-policy': 'sometimes' }))).rejects.toThrow(
      new ValidationException("Invalid value 'sometimes' for option 'misfire-policy': use one of fire-all, fire-once-now, skip."),
    );
    await expect(createWorkflowScheduler(embedded({ 'catch-up-window': 'a while' }))).rejects.toThrow(/Invalid duration 'a while' for option 'catch-up-window'/);
    await expect(createWorkflowScheduler(embedded({ store: 'mysql://x' }))).rejects.toThrow(/Unknown store 'mysql:\/\/x'/);
    expect(existsSync(join(dir, 'events.sqlite'))).toBe(false);
  });
});
