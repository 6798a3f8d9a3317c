import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, openApi } from '../api/support/api-harness.ts';

const DAY = 86_400_000;

describe('GET /v1/console/overview over real tables', () => {
  let h: ApiHarness;
  const get = async (qs: string) => h.app.inject({ method: 'GET', url: `/v1/console/overview${qs}` });
  const sql = (statement: string) => h.app.inject({ method: 'POST', url: '/v1/statements', payload: { statement } });

  beforeAll(async () => {
    h = await openApi({ withTables: true });
    await sql('CREATE TABLE src AS SELECT 1 AS v');
    for (const name of ['alpha', 'beta', 'gamma']) await sql(`CREATE MATERIALIZED TABLE ${name} FRESHNESS = INTERVAL '1' DAY AS SELECT v FROM src`);
    await h.app.inject({ method: 'POST', url: '/v1/materialized-tables/beta/suspend', payload: { reason: 'quiet please' } });
  });
  afterAll(async () => h.close());

  it('pages, searches and filters, with the log position it was read at', async () => {
    const all = (await get('?limit=2')).json();
    expect(all).toMatchObject({ total: 3, offset: 0, limit: 2 });
    expect(all.position).toBe(await h.runtime.store.headPosition());
    expect(all.rows.map((r: { identifier: string }) => r.identifier)).toStrictEqual(['`freshet`.`default`.`alpha`', '`freshet`.`default`.`beta`']);
    expect((await get('?offset=2')).json().rows.map((r: { identifier: string }) => r.identifier)).toStrictEqual(['`freshet`.`default`.`gamma`']);
    expect((await get('?q=AMM')).json().rows.map((r: { identifier: string }) => r.identifier)).toStrictEqual(['`freshet`.`default`.`gamma`']);
    const suspended = (await get('?status=suspended')).json();
    expect(suspended.rows).toMatchObject([{ identifier: '`freshet`.`default`.`beta`', status: 'SUSPENDED', reason: 'quiet please', nextFire: null }]);
    expect((await get('?status=active')).json().total).toBe(2);
  });

  it('a table never refreshed for twice its freshness is behind (a suspended one is not flagged)', async () => {
    expect((await get('?status=behind')).json().total).toBe(0);
    h.clock.advance(2 * DAY + 1); // behind: twice the freshness without a refresh (the table model's lag)
    const behind = (await get('?status=behind')).json();
    expect(behind.rows.map((r: { identifier: string }) => r.identifier)).toStrictEqual(['`freshet`.`default`.`alpha`', '`freshet`.`default`.`gamma`']);
    expect(behind.rows[0]).toMatchObject({ behind: true, stalenessMs: null, freshnessMs: DAY, freshness: "INTERVAL '1' DAY" });
  });

  it('answers bad input with a 400 that says what is wrong', async () => {
    for (const qs of ['?limit=0', '?limit=501', '?status=sleepy', '?offset=-1', `?q=${'x'.repeat(201)}`]) {
      const r = await get(qs);
      expect(r.statusCode, qs).toBe(400);
      expect(r.json().errors[0], qs).toMatch(/querystring/);
    }
  });
});
