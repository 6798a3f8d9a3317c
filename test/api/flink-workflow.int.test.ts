import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, JOB_NAME, openApi, TABLE_ID } from './support/api-harness.ts';

// Field by field against Flink SQL Gateway's /workflow/embedded-scheduler/* (research note §2).
const URL = '/v3/workflow/embedded-scheduler';
const GROUP = 'default_group';

describe('Flink embedded-scheduler endpoints (/v3)', () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await openApi();
  });
  afterEach(async () => h.close());

  const create = (body: Record<string, unknown>) => h.app.inject({ method: 'POST', url: `${URL}/create`, payload: body });
  const handler = { workflowName: JOB_NAME, workflowGroup: GROUP };

  it('create answers exactly {workflowName, workflowGroup} with the Quartz job key', async () => {
    // Flink sends the address it reaches the gateway by: freshet's own, as this request's Host says.
    const body = { materializedTableIdentifier: TABLE_ID, cronExpression: '0 0/5 * * * ? *', initConfig: { 'table.local-time-zone': 'UTC' }, executionConfig: null, restEndpointUrl: 'http://127.0.0.1:8083' };
    const res = await h.app.inject({ method: 'POST', url: `${URL}/create`, headers: { host: '127.0.0.1:8083' }, payload: body });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toStrictEqual({ workflowName: 'quartz_job_`cat`.`db`.`orders`', workflowGroup: 'default_group' });
    const info = (await h.app.inject({ method: 'GET', url: `/v1/workflows?table=${encodeURIComponent(TABLE_ID)}` })).json().items[0];
    expect(info).toMatchObject({ materializedTableIdentifier: TABLE_ID, status: 'ACTIVE', cronExpression: '0 0/5 * * * ? *', initConfig: { 'table.local-time-zone': 'UTC' }, executionConfig: {}, dynamicOptions: {} });
  });

  it('create twice fails with Flink\'s "already exist" text and a 409', async () => {
    await create({ materializedTableIdentifier: TABLE_ID, cronExpression: '0 0/5 * * * ? *' });
    const res = await create({ materializedTableIdentifier: TABLE_ID, cronExpression: '0 0/5 * * * ? *' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toStrictEqual({ errors: [`Materialized table ${TABLE_ID} quartz schedule job already exist, job info: default_group.${JOB_NAME}.`] });
  });

  it("an invalid cron is a 400 starting with Quartz's wording", async () => {
    const res = await create({ materializedTableIdentifier: TABLE_ID, cronExpression: '0 0/5 * *' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatch(/^CronExpression '0 0\/5 \* \*' is invalid\./);
  });

  it('a missing field is a 400 that names the field', async () => {
    const res = await create({ materializedTableIdentifier: TABLE_ID });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toContain('cronExpression');
  });

  it('suspend and resume answer {} and change the status; repeats use Flink\'s texts', async () => {
    await create({ materializedTableIdentifier: TABLE_ID, cronExpression: '0 0/5 * * * ? *' });
    const suspend = await h.app.inject({ method: 'POST', url: `${URL}/suspend`, payload: handler });
    expect(suspend.statusCode).toBe(200);
    expect(suspend.json()).toStrictEqual({});
    const again = await h.app.inject({ method: 'POST', url: `${URL}/suspend`, payload: handler });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toStrictEqual({ errors: [`Materialized table ${TABLE_ID} refresh workflow has been suspended.`] });

    const resume = await h.app.inject({ method: 'POST', url: `${URL}/resume`, payload: { ...handler, dynamicOptions: { 'sink.parallelism': '2' } } });
    expect(resume.statusCode).toBe(200);
    expect(resume.json()).toStrictEqual({});
    const info = (await h.app.inject({ method: 'GET', url: '/v1/workflows' })).json().items[0];
    expect(info).toMatchObject({ status: 'ACTIVE', dynamicOptions: { 'sink.parallelism': '2' } });
    const resumedAgain = await h.app.inject({ method: 'POST', url: `${URL}/resume`, payload: { ...handler, dynamicOptions: null } });
    expect(resumedAgain.statusCode).toBe(409);
    expect(resumedAgain.json()).toStrictEqual({ errors: [`Materialized table ${TABLE_ID} refresh workflow has been resumed.`] });
  });

  it('plain resume ({} or null options) keeps earlier options, as Flink does', async () => {
    await create({ materializedTableIdentifier: TABLE_ID, cronExpression: '0 0/5 * * * ? *' });
    await h.app.inject({ method: 'POST', url: `${URL}/suspend`, payload: handler });
    await h.app.inject({ method: 'POST', url: `${URL}/resume`, payload: { ...handler, dynamicOptions: { k: 'v' } } });
    await h.app.inject({ method: 'POST', url: `${URL}/suspend`, payload: handler });
    await h.app.inject({ method: 'POST', url: `${URL}/resume`, payload: { ...handler, dynamicOptions: {} } });
    expect((await h.app.inject({ method: 'GET', url: '/v1/workflows' })).json().items[0].dynamicOptions).toStrictEqual({ k: 'v' });
  });

  it('suspend / resume of a missing job use the "non-existent" texts with group.name', async () => {
    const missing = { workflowName: 'quartz_job_nope', workflowGroup: GROUP };
    const s = await h.app.inject({ method: 'POST', url: `${URL}/suspend`, payload: missing });
    expect(s.statusCode).toBe(404);
    expect(s.json()).toStrictEqual({ errors: ['Failed to suspend a non-existent quartz schedule job: default_group.quartz_job_nope.'] });
    const r = await h.app.inject({ method: 'POST', url: `${URL}/resume`, payload: missing });
    expect(r.json()).toStrictEqual({ errors: ['Failed to resume a non-existent quartz schedule job: default_group.quartz_job_nope.'] });
  });

  it('delete takes a JSON body on DELETE, answers {}, and is idempotent', async () => {
    await create({ materializedTableIdentifier: TABLE_ID, cronExpression: '0 0/5 * * * ? *' });
    for (let i = 0; i < 2; i++) {
      const res = await h.app.inject({ method: 'DELETE', url: `${URL}/delete`, payload: handler });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toStrictEqual({});
    }
    const missing = await h.app.inject({ method: 'DELETE', url: `${URL}/delete`, payload: { workflowName: 'never', workflowGroup: GROUP } });
    expect(missing.statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/v1/workflows' })).json().items[0].status).toBe('DELETED');
  });

  it('records the actor and the X-Freshet-Reason header on the event', async () => {
    await create({ materializedTableIdentifier: TABLE_ID, cronExpression: '0 0/5 * * * ? *' });
    await h.app.inject({ method: 'POST', url: `${URL}/suspend`, payload: handler, headers: { 'x-freshet-reason': 'warehouse maintenance' } });
    const info = (await h.app.inject({ method: 'GET', url: '/v1/workflows' })).json().items[0];
    expect(info).toMatchObject({ status: 'SUSPENDED', suspendedBy: 'anonymous', suspendReason: 'warehouse maintenance' });
  });
});
