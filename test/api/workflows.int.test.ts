import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, createWorkflow, openApi, T0 } from './support/api-harness.ts';

const MINUTE = 60_000;

describe('/v1/workflows', () => {
  let h: ApiHarness;
  let id: string;
  beforeEach(async () => {
    h = await openApi();
    id = await createWorkflow(h.app);
  });
  afterEach(async () => h.close());

  const get = (url: string) => h.app.inject({ method: 'GET', url });
  const post = (url: string, payload?: object) => h.app.inject({ method: 'POST', url, ...(payload ? { payload } : {}) });

  it('GET /:id returns the WorkflowInfo with the seed field names', async () => {
    const res = await get(`/v1/workflows/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      workflowId: id,
      workflowName: 'quartz_job_`cat`.`db`.`orders`',
      status: 'ACTIVE',
      cronExpression: '0 0/5 * * * ? *',
      timeZone: 'UTC',
      nextExecutionTime: '2026-03-02T09:05:00.000Z',
      lastExecutionTime: null,
      creationTime: new Date(T0).toISOString(),
      materializedTableIdentifier: '`cat`.`db`.`orders`',
    });
  });

  it('an unknown id is a 404 with an errors body', async () => {
    const res = await get('/v1/workflows/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toStrictEqual({ errors: ["Workflow 'nope' does not exist."] });
  });

  it('lists with status and table filters and pagination', async () => {
    const second = await createWorkflow(h.app, '`cat`.`db`.`items`');
    await post(`/v1/workflows/${second}/suspend`);
    expect((await get('/v1/workflows')).json()).toMatchObject({ total: 2, offset: 0, limit: 100 });
    const suspended = (await get('/v1/workflows?status=SUSPENDED')).json();
    expect(suspended.items.map((w: { workflowId: string }) => w.workflowId)).toStrictEqual([second]);
    expect((await get('/v1/workflows?table=cat.db.orders')).json().items[0].workflowId).toBe(id);
    const page = (await get('/v1/workflows?limit=1&offset=1')).json();
    expect(page).toMatchObject({ total: 2, offset: 1, limit: 1 });
    expect(page.items).toHaveLength(1);
    expect((await get('/v1/workflows?status=BROKEN')).statusCode).toBe(400);
    expect((await get('/v1/workflows?limit=0')).json().errors[0]).toContain('limit');
  });

  it('suspend with until is a pause that says when it ends; an until in the past or not an instant is a 400 that changes nothing', async () => {
    const until = new Date(T0 + 90 * MINUTE).toISOString();
    const res = await post(`/v1/workflows/${id}/suspend`, { reason: 'maintenance window', until });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'SUSPENDED', suspendReason: 'maintenance window', suspendedUntil: until });
    await post(`/v1/workflows/${id}/resume`);
    const past = await post(`/v1/workflows/${id}/suspend`, { until: new Date(T0 - MINUTE).toISOString() });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors[0]).toMatch(/A pause must end in the future/);
    const garbled = await post(`/v1/workflows/${id}/suspend`, { until: 'tomorrow' });
    expect(garbled.statusCode).toBe(400);
    expect(garbled.json().errors[0]).toMatch(/until/);
    expect((await get(`/v1/workflows/${id}`)).json()).toMatchObject({ status: 'ACTIVE', suspendedUntil: null });
  });

  it('suspend / resume / trigger / PATCH / DELETE record actor, reason and time in the history', async () => {
    h.clock.advance(MINUTE);
    const s = await post(`/v1/workflows/${id}/suspend`, { reason: 'backfill running' });
    expect(s.statusCode).toBe(200);
    expect(s.json()).toMatchObject({ status: 'SUSPENDED', suspendedBy: 'anonymous', suspendReason: 'backfill running', nextExecutionTime: null });
    expect((await post(`/v1/workflows/${id}/suspend`)).statusCode).toBe(409);
    h.clock.advance(MINUTE);
    expect((await post(`/v1/workflows/${id}/resume`)).json().status).toBe('ACTIVE');
    const patched = await h.app.inject({ method: 'PATCH', url: `/v1/workflows/${id}`, payload: { cronExpression: '0 0 * * * ?', timeZone: 'Europe/Paris', misfirePolicy: 'skip', catchUpWindowMs: 600000, reason: 'hourly is enough' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ cronExpression: '0 0 * * * ?', timeZone: 'Europe/Paris', misfirePolicy: 'skip', catchUpWindowMs: 600000, nextExecutionTime: '2026-03-02T10:00:00.000Z' });
    expect((await post(`/v1/workflows/${id}/trigger`)).statusCode).toBe(202);
    const deleted = await h.app.inject({ method: 'DELETE', url: `/v1/workflows/${id}` });
    expect(deleted.json().status).toBe('DELETED');

    const history = (await get(`/v1/workflows/${id}/history`)).json().events as { type: string; actor: string; reason: string | null; occurredAt: string }[];
    expect(history.map((e) => e.type)).toEqual(expect.arrayContaining(['WorkflowCreated', 'WorkflowSuspended', 'WorkflowResumed', 'WorkflowScheduleModified', 'FireClaimed', 'WorkflowDeleted']));
    const suspended = history.find((e) => e.type === 'WorkflowSuspended');
    expect(suspended).toMatchObject({ actor: 'anonymous', reason: 'backfill running', occurredAt: new Date(T0 + MINUTE).toISOString() });
    expect(history.find((e) => e.type === 'WorkflowScheduleModified')?.reason).toBe('hourly is enough');
  });

  it('PATCH to the unix dialect: named on the workflow, in its ledger entries, and kept by a later cron change', async () => {
    const res = await h.app.inject({ method: 'PATCH', url: `/v1/workflows/${id}`, payload: { cronExpression: '15 * * * *', cronDialect: 'unix' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ cronExpression: '15 * * * *', cronDialect: 'unix', nextExecutionTime: '2026-03-02T09:15:00.000Z' });
    const again = await h.app.inject({ method: 'PATCH', url: `/v1/workflows/${id}`, payload: { cronExpression: '45 * * * *' } });
    expect(again.json()).toMatchObject({ cronDialect: 'unix', nextExecutionTime: '2026-03-02T09:45:00.000Z' });
    const quartzInUnix = await h.app.inject({ method: 'PATCH', url: `/v1/workflows/${id}`, payload: { cronExpression: '0 0 * * * ?' } });
    expect(quartzInUnix.statusCode).toBe(400);
    expect(quartzInUnix.json().errors[0]).toMatch(/unix cron expression has 5 fields/);
    const back = await h.app.inject({ method: 'PATCH', url: `/v1/workflows/${id}`, payload: { cronExpression: '0 0 * * * ?', cronDialect: 'quartz' } });
    expect(back.json()).toMatchObject({ cronDialect: 'quartz' });
  });

  it('PATCH startAt/endAt bounds the schedule (null removes a bound); an end before the start is a 400', async () => {
    const patch = (payload: object) => h.app.inject({ method: 'PATCH', url: `/v1/workflows/${id}`, payload });
    const bounded = await patch({ startAt: '2026-03-02T10:00:00Z', endAt: '2026-03-03T00:00:00Z' });
    expect(bounded.statusCode, bounded.body).toBe(200);
    expect(bounded.json()).toMatchObject({ startAt: '2026-03-02T10:00:00.000Z', endAt: '2026-03-03T00:00:00.000Z', nextExecutionTime: '2026-03-02T10:00:00.000Z' });
    const wrong = await patch({ startAt: '2026-03-04T00:00:00Z' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0]).toMatch(/start .* must be before its end/);
    expect((await patch({ endAt: 'soon' })).statusCode).toBe(400);
    expect((await patch({ startAt: null, endAt: null })).json()).toMatchObject({ startAt: null, endAt: null, nextExecutionTime: '2026-03-02T09:05:00.000Z' });
  });

  it('PATCH refuses an empty change and a bad cron, zone or policy with 400s that say what to fix', async () => {
    const patch = (payload: object) => h.app.inject({ method: 'PATCH', url: `/v1/workflows/${id}`, payload });
    expect((await patch({ reason: 'nothing' })).json().errors[0]).toMatch(/^Nothing to change/);
    expect((await patch({ cronExpression: '61 * * * * ?' })).statusCode).toBe(400);
    const zone = await patch({ timeZone: 'Mars/Olympus' });
    expect(zone.statusCode).toBe(400);
    expect(zone.json().errors[0]).toContain('Mars/Olympus');
    expect((await patch({ misfirePolicy: 'sometimes' })).json().errors[0]).toContain('misfirePolicy');
    expect((await patch({ catchUpWindowMs: -1 })).json().errors[0]).toContain('catchUpWindowMs');
  });

  it('?asOf returns the workflow as it stood then; before it existed is a 404; a bad instant is a 400', async () => {
    h.clock.advance(10 * MINUTE);
    await post(`/v1/workflows/${id}/suspend`);
    const before = (await get(`/v1/workflows/${id}?asOf=${new Date(T0 + 5 * MINUTE).toISOString()}`)).json();
    expect(before.status).toBe('ACTIVE');
    expect((await get(`/v1/workflows/${id}?asOf=${new Date(T0 + 11 * MINUTE).toISOString()}`)).json().status).toBe('SUSPENDED');
    expect((await get(`/v1/workflows/${id}?asOf=2020-01-01T00:00:00Z`)).statusCode).toBe(404);
    const bad = await get(`/v1/workflows/${id}?asOf=yesterday`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toContain("asOf 'yesterday'");
  });

  it('occurrences lists each nominal time with its outcome; the range is validated', async () => {
    h.clock.advance(12 * MINUTE);
    // Under the manual clock 09:05 and 09:10 went by unclaimed; deleting the workflow settles them.
    await h.app.inject({ method: 'DELETE', url: `/v1/workflows/${id}` });
    const res = await get(`/v1/workflows/${id}/occurrences?from=2026-03-02T09:00:00Z&to=2026-03-02T09:12:00Z`);
    expect(res.statusCode).toBe(200);
    const occurrences = res.json().occurrences as { nominalTime: string; outcome: string; reason: string; cronExpression: string }[];
    // Newest first (issue 11, defect 5).
    expect(occurrences.map((o) => [o.nominalTime, o.outcome, o.reason, o.cronExpression])).toStrictEqual([
      ['2026-03-02T09:10:00.000Z', 'skipped', 'deleted', '0 0/5 * * * ? *'],
      ['2026-03-02T09:05:00.000Z', 'skipped', 'deleted', '0 0/5 * * * ? *'],
    ]);
    expect((await get(`/v1/workflows/${id}/occurrences?from=2026-03-02T10:00:00Z&to=2026-03-02T09:00:00Z`)).statusCode).toBe(400);
    expect((await get(`/v1/workflows/${id}/occurrences?from=nope`)).statusCode).toBe(400);
    expect((await get('/v1/workflows/missing/occurrences')).statusCode).toBe(404);
  });
});

describe('/v1/cron/preview', () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await openApi();
  });
  afterEach(async () => h.close());
  const preview = (qs: string) => h.app.inject({ method: 'GET', url: `/v1/cron/preview?${qs}` });

  it('lists the next fire times in the zone, and the wall time a spring-forward gap skips', async () => {
    const res = await preview(`expression=${encodeURIComponent('0 30 2 * * ?')}&timeZone=Europe/Berlin&after=2026-03-28T00:00:00Z&count=2`);
    // 02:30 does not exist in Berlin on 29 March 2026 (DST): Quartz skips that day, and the preview says so.
    expect(res.json()).toStrictEqual({
      fireTimes: ['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z'],
      daylightSaving: [{ kind: 'skipped', wallTime: '2026-03-29T02:30:00', at: '2026-03-29T01:30:00.000Z' }],
    });
  });

  it('names the fire a fall-back overlap repeats, and nothing for a schedule no change touches', async () => {
    const back = await preview(`expression=${encodeURIComponent('0 30 2 * * ?')}&timeZone=Europe/Berlin&after=2026-10-24T00:00:00Z&count=3`);
    // 02:30 reads twice on 25 October: Quartz fires once, at the later (CET) pass.
    expect(back.json()).toStrictEqual({
      fireTimes: ['2026-10-24T00:30:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-26T01:30:00.000Z'],
      daylightSaving: [{ kind: 'repeated', wallTime: '2026-10-25T02:30:00', at: '2026-10-25T01:30:00.000Z' }],
    });
    // Noon on both change days: the offset changes that day, but no fire's wall time is skipped or repeated.
    for (const after of ['2026-03-27T00:00:00Z', '2026-10-23T00:00:00Z']) {
      const noon = await preview(`expression=${encodeURIComponent('0 0 12 * * ?')}&timeZone=Europe/Berlin&after=${after}&count=4`);
      expect(noon.json().daylightSaving).toStrictEqual([]);
    }
  });

  it('previews the unix dialect (day-of-week 0 = Sunday), and on a DST gap fires at the shifted wall time as cron does', async () => {
    const sundays = await preview(`expression=${encodeURIComponent('0 6 * * 0')}&dialect=unix&timeZone=UTC&after=2026-12-01T00:00:00Z&count=2`);
    expect(sundays.json()).toStrictEqual({ fireTimes: ['2026-12-06T06:00:00.000Z', '2026-12-13T06:00:00.000Z'], daylightSaving: [] });
    const gap = await preview(`expression=${encodeURIComponent('30 2 * * *')}&dialect=unix&timeZone=Europe/Berlin&after=2026-03-28T00:00:00Z&count=2`);
    expect(gap.json()).toStrictEqual({ fireTimes: ['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z'], daylightSaving: [] });
    expect((await preview(`expression=${encodeURIComponent('0 30 2 * * ?')}&dialect=unix`)).json().errors[0]).toMatch(/5 fields/);
    expect((await preview(`expression=${encodeURIComponent('0 6 * * 0')}&dialect=crontab`)).statusCode).toBe(400);
  });

  it('defaults to 5 times after the clock in the server zone', async () => {
    const res = await preview(`expression=${encodeURIComponent('0 0 * * * ?')}`);
    expect(res.json().fireTimes).toStrictEqual(['10', '11', '12', '13', '14'].map((hh) => `2026-03-02T${hh}:00:00.000Z`));
  });

  it('answers 400 with what is wrong', async () => {
    for (const qs of [`expression=${encodeURIComponent('0 0 * *')}`, `expression=${encodeURIComponent('0 0 * * * ?')}&timeZone=Nowhere/City`, `expression=${encodeURIComponent('0 0 * * * ?')}&after=soon`, `expression=${encodeURIComponent('0 0 * * * ?')}&count=0`, '']) {
      const res = await preview(qs);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().errors).toHaveLength(1);
    }
  });
});

describe('/v1/events', () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await openApi();
  });
  afterEach(async () => h.close());

  it('pages the global log with stream and type filters', async () => {
    const a = await createWorkflow(h.app, '`c`.`d`.`a`');
    await createWorkflow(h.app, '`c`.`d`.`b`');
    await h.app.inject({ method: 'POST', url: `/v1/workflows/${a}/suspend` });
    const first = (await h.app.inject({ method: 'GET', url: '/v1/events?limit=2' })).json();
    expect(first.events).toHaveLength(2);
    const rest = (await h.app.inject({ method: 'GET', url: `/v1/events?from=${first.nextFrom}` })).json();
    expect(rest.events[0].position).toBeGreaterThan(first.nextFrom);
    const byType = (await h.app.inject({ method: 'GET', url: '/v1/events?type=WorkflowSuspended,WorkflowDeleted' })).json();
    expect(byType.events.map((e: { type: string }) => e.type)).toStrictEqual(['WorkflowSuspended']);
    const byStream = (await h.app.inject({ method: 'GET', url: `/v1/events?stream=workflow-${a}` })).json();
    expect(byStream.events.map((e: { type: string }) => e.type)).toStrictEqual(['WorkflowCreated', 'WorkflowSuspended']);
    expect(byStream.events[0]).toMatchObject({ streamName: `workflow-${a}`, version: 1, metadata: { actor: 'anonymous' } });
    const empty = (await h.app.inject({ method: 'GET', url: '/v1/events?from=999' })).json();
    expect(empty).toStrictEqual({ events: [], nextFrom: 999 });
    expect((await h.app.inject({ method: 'GET', url: '/v1/events?from=-1' })).statusCode).toBe(400);
  });
});

describe('health, metrics, docs, errors', () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await openApi();
  });
  afterEach(async () => h.close());

  it('/healthz and /readyz answer', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).json()).toStrictEqual({ status: 'ok' });
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready', headPosition: 0 });
  });

  it('/metrics counts appends and requests in Prometheus text', async () => {
    await createWorkflow(h.app);
    const res = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('freshet_events_appended_total{type="WorkflowCreated"} 1');
    expect(res.body).toContain('# TYPE freshet_fire_lateness_seconds histogram');
    expect(res.body).toMatch(/freshet_http_requests_total\{method="POST",route="\/v3\/workflow\/embedded-scheduler\/create",status="200"\} 1/);
    expect(res.body).toMatch(/freshet_projection_lag_positions \d+/);
  });

  it('/docs serves the OpenAPI document listing every route, and the UI', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v3/workflow/embedded-scheduler/create', '/v1/workflows/{id}', '/v1/events/stream', '/v1/cron/preview', '/metrics']));
    expect((await h.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('unknown routes, bad JSON, wrong content types and big bodies are 4xx with an errors body', async () => {
    const small = await openApi({ bodyLimit: 64 });
    try {
      const cases = [
        await small.app.inject({ method: 'GET', url: '/v9/nothing' }),
        await small.app.inject({ method: 'POST', url: '/v3/workflow/embedded-scheduler/create', headers: { 'content-type': 'application/json' }, payload: '{"materializedTableIdentifier":' }),
        await small.app.inject({ method: 'POST', url: '/v3/workflow/embedded-scheduler/create', headers: { 'content-type': 'application/xml' }, payload: '<a/>' }),
        await small.app.inject({ method: 'POST', url: '/v3/workflow/embedded-scheduler/create', payload: { materializedTableIdentifier: 'x'.repeat(100), cronExpression: '0 * * * * ?' } }),
      ];
      expect(cases.map((r) => r.statusCode)).toStrictEqual([404, 400, 415, 413]);
      for (const r of cases) expect(Object.keys(r.json())).toStrictEqual(['errors']);
    } finally {
      await small.close();
    }
  });
});
