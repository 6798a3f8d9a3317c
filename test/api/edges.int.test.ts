import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkTokenStrength, InsecureBindError, startServer } from '../../src/api/index.ts';
import { type ApiHarness, createWorkflow, openApi } from './support/api-harness.ts';

describe('the edges of the API', () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await openApi({ withTables: true });
  });
  afterEach(async () => h.close());

  it('answers only the names it is configured for (no DNS rebinding)', async () => {
    const as = (host: string, url = '/v1/workflows') => h.app.inject({ method: 'GET', url, headers: { host } });
    for (const host of ['localhost', 'localhost:8083', '127.0.0.1:8083', '[::1]:8083', 'LOCALHOST.']) expect((await as(host)).statusCode, host).toBe(200);
    const rebound = await as('attacker.example');
    expect(rebound.statusCode).toBe(403);
    expect(rebound.json().errors[0]).toMatch(/^Host 'attacker\.example' is not a name this freshet answers to .*--allowed-host/);
    expect((await as('attacker.example:8083', '/v1/statements')).statusCode).toBe(403);
    expect((await as('127.0.0.1.attacker.example')).statusCode).toBe(403);
    // Probes address a pod by its IP: health checks hold no data and stay open.
    expect((await as('10.1.2.3:8083', '/healthz')).statusCode).toBe(200);
  });

  it('serves a configured name, and everything when told "*"', async () => {
    const named = await openApi({ allowedHosts: ['freshet.internal'] });
    const any = await openApi({ allowedHosts: ['*'] });
    try {
      expect((await named.app.inject({ method: 'GET', url: '/v1/workflows', headers: { host: 'freshet.internal:8083' } })).statusCode).toBe(200);
      expect((await named.app.inject({ method: 'GET', url: '/v1/workflows', headers: { host: 'localhost' } })).statusCode).toBe(403);
      expect((await any.app.inject({ method: 'GET', url: '/v1/workflows', headers: { host: 'whatever.example' } })).statusCode).toBe(200);
    } finally {
      await named.close();
      await any.close();
    }
  });

  it('refuses numbers past what it can count instead of failing', async () => {
    for (const url of ['/v1/workflows?offset=1e309', '/v1/workflows?limit=1e309', '/v1/events?from=1e309', '/v1/events/stream?from=1e309', '/v1/workflows?offset=9007199254740993']) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode, `${url} → ${res.body}`).toBe(400);
      expect(res.json().errors[0], url).toMatch(/must be <=|must be integer/);
    }
  });

  it('checks every value of a map, whatever its key', async () => {
    await h.app.inject({ method: 'POST', url: '/v1/statements', payload: { statement: 'CREATE TABLE src AS SELECT 1 AS v' } });
    await h.app.inject({ method: 'POST', url: '/v1/statements', payload: { statement: "CREATE MATERIALIZED TABLE mt FRESHNESS = INTERVAL '1' DAY AS SELECT v FROM src" } });
    await h.app.inject({ method: 'POST', url: '/v1/materialized-tables/mt/suspend' });
    const before = await h.runtime.store.readAll();
    for (const options of [{ 'a\nb': { nested: 'x' } }, { a: { nested: 'x' } }, { '\u2028': {} }]) {
      const res = await h.app.inject({ method: 'POST', url: '/v1/materialized-tables/mt/resume', payload: { options } });
      expect(res.statusCode, JSON.stringify(options)).toBe(400);
      expect(res.json().errors[0]).toMatch(/must be string/);
    }
    expect(await h.runtime.store.readAll()).toHaveLength(before.length);
    const fine = await h.app.inject({ method: 'POST', url: '/v1/materialized-tables/mt/resume', payload: { options: { 'a\nb': 'ok' } } });
    expect(fine.statusCode).toBe(200);
  });

  it('refuses a cron that will never fire, at create and at a schedule change (as Quartz does)', async () => {
    const created = await h.app.inject({
      method: 'POST',
      url: '/v3/workflow/embedded-scheduler/create',
      payload: { materializedTableIdentifier: '`c`.`d`.`never`', cronExpression: '0 0 0 30 2 ?' },
    });
    expect(created.statusCode).toBe(400);
    expect(created.json().errors[0]).toMatch(/will never fire: '0 0 0 30 2 \?' has no fire time after 2026-03-02T09:00:00\.000Z/);
    expect((await h.app.inject({ method: 'GET', url: '/v1/workflows' })).json().items).toHaveLength(0);
    const id = await createWorkflow(h.app);
    const changed = await h.app.inject({ method: 'PATCH', url: `/v1/workflows/${id}`, payload: { cronExpression: '0 0 3 ? * * 2025' } });
    expect(changed.statusCode).toBe(400);
    expect(changed.json().errors[0]).toContain('will never fire');
  });
});

describe('the token', () => {
  it('must be strong enough to guard every command', () => {
    for (const weak of ['x', 's3cret', 'a'.repeat(64), '0123456789abcdef', 'correct horse battery staple 12345']) {
      expect(() => checkTokenStrength(weak), weak).toThrow(InsecureBindError);
    }
    expect(() => checkTokenStrength('9f86d081884c7d659a2feaa0c55ad015')).not.toThrow();
  });

  it('is checked before freshet listens on another address', async () => {
    const h = await openApi();
    try {
      await expect(startServer({ runtime: h.runtime, host: '0.0.0.0', port: 0, token: 'x', logger: false })).rejects.toThrow(/FRESHET_TOKEN is too weak: use at least 32 characters/);
    } finally {
      await h.close();
    }
  });
});
