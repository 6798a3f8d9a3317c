import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createWorkflow, openApi } from './support/api-harness.ts';

/** Bodies are JSON: a number is not a string, an array is not a reason; query strings still parse numbers. */
describe('request bodies are not type-coerced', () => {
  let h: ApiHarness;
  let id: string;
  beforeAll(async () => {
    h = await openApi({ withTables: true });
    id = await createWorkflow(h.app);
  });
  afterAll(async () => h.close());

  const send = (method: 'POST' | 'PATCH', url: string, payload: object) => h.app.inject({ method, url, payload });

  it('{"statement": 42} is refused, not run as the SQL `42`', async () => {
    const res = await send('POST', '/v1/statements', { statement: 42 });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toContain('statement must be string');
  });

  it('{"catchUpWindowMs": "100"} is refused and nothing is stored', async () => {
    const res = await send('PATCH', `/v1/workflows/${id}`, { catchUpWindowMs: '100' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toContain('catchUpWindowMs must be integer');
    const after = (await h.app.inject({ method: 'GET', url: `/v1/workflows/${id}` })).json();
    expect(after.catchUpWindowMs).not.toBe(100);
    expect(after.version).toBe(1);
  });

  it('{"reason": ["a"]} is refused', async () => {
    const res = await send('POST', `/v1/workflows/${id}/suspend`, { reason: ['a'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toContain('reason must be string');
    expect((await h.app.inject({ method: 'GET', url: `/v1/workflows/${id}` })).json().status).toBe('ACTIVE');
  });

  it('an enum error lists the allowed values (body and query)', async () => {
    const body = await send('PATCH', `/v1/workflows/${id}`, { misfirePolicy: 'sometimes' });
    expect(body.statusCode).toBe(400);
    expect(body.json().errors[0]).toBe("Invalid request: body/misfirePolicy must be one of 'fire-all', 'fire-once-now', 'skip' (got 'sometimes').");
    const query = await h.app.inject({ method: 'GET', url: '/v1/workflows?status=BROKEN' });
    expect(query.json().errors[0]).toBe("Invalid request: querystring/status must be one of 'ACTIVE', 'SUSPENDED', 'DELETED' (got 'BROKEN').");
  });

  it('query strings still parse numbers', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/workflows?limit=1&offset=0' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ limit: 1, offset: 0 });
  });
});
