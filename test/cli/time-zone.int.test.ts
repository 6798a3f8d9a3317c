/**
 * Defect 1 of issue 11: `serve --time-zone Mars/Olympus` started, and every later CREATE MATERIALIZED TABLE failed
 * with the cause only in the event log. An unknown zone is refused where it is given, naming it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFreshet } from '../../src/runtime/index.ts';
import { EmbeddedWorkflowSchedulerFactory } from '../../src/workflow-scheduler/index.ts';
import { createWorkflow, openApi, type ApiHarness } from '../api/support/api-harness.ts';
import { cliProcess } from './support/cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'freshet-zone-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an unknown time zone is refused where it is given', () => {
  it('`serve --time-zone` and FRESHET_TIME_ZONE: exit 2 before listening, naming the zone and where it came from', async () => {
    const [flag, env] = await Promise.all([
      cliProcess(['serve', '--time-zone', 'Mars/Olympus', '--port', '0', '--data-dir', dir]),
      cliProcess(['serve', '--port', '0', '--data-dir', dir], { FRESHET_TIME_ZONE: 'Mars/Olympus' }),
    ]);
    expect([flag.code, flag.signal]).toEqual([2, null]);
    expect(flag.err).toContain("Unknown time zone 'Mars/Olympus' (--time-zone)");
    expect(flag.err).not.toContain('listening');
    expect([env.code, env.signal]).toEqual([2, null]);
    expect(env.err).toContain("Unknown time zone 'Mars/Olympus' (FRESHET_TIME_ZONE)");
  });

  it('openFreshet (the library entry) refuses it before opening anything', async () => {
    await expect(openFreshet({ store: 'memory', dataDir: dir, timeZone: 'Mars/Olympus' })).rejects.toThrow(/Unknown time zone 'Mars\/Olympus'/);
  });

  it("the embedded factory's 'time-zone' option is a ValidationException", async () => {
    const factory = new EmbeddedWorkflowSchedulerFactory();
    const context = { getWorkflowSchedulerOptions: () => ({ store: 'memory', 'time-zone': 'Mars/Olympus' }) };
    await expect(factory.createWorkflowScheduler(context as never)).rejects.toThrow(/Unknown time zone 'Mars\/Olympus' \(option 'time-zone'\)/);
  });

  describe('REST bodies', () => {
    let api: ApiHarness;
    beforeAll(async () => {
      api = await openApi();
    });
    afterAll(async () => api.close());

    it('PATCH /v1/workflows/:id and Flink create answer 400 naming the zone', async () => {
      const id = await createWorkflow(api.app);
      const patch = await api.app.inject({ method: 'PATCH', url: `/v1/workflows/${id}`, payload: { timeZone: 'Mars/Olympus' } });
      expect(patch.statusCode).toBe(400);
      expect(patch.body).toContain('Mars/Olympus');
      const create = await api.app.inject({ method: 'POST', url: '/v3/workflow/embedded-scheduler/create', payload: { materializedTableIdentifier: '`c`.`d`.`t2`', cronExpression: '0 0 * * * ?', timeZone: 'Mars/Olympus' } });
      expect(create.statusCode).toBe(400);
      expect(create.body).toContain('Mars/Olympus');
    });
  });
});
