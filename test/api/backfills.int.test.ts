import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, openApi } from './support/api-harness.ts';

let h: ApiHarness;
const post = (url: string, payload: object) => h.app.inject({ method: 'POST', url, payload });
const get = (url: string) => h.app.inject({ method: 'GET', url });
const sql = (statement: string) => post('/v1/statements', { statement });

beforeEach(async () => {
  h = await openApi({ withTables: true });
  await sql(`CREATE TABLE src AS SELECT strftime(DATE '2026-02-20' + CAST(range % 5 AS INTEGER), '%Y-%m-%d') AS ds, range AS v FROM range(50)`);
  const created = await sql(`CREATE MATERIALIZED TABLE daily PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' HOUR AS SELECT ds, count(*) AS n FROM src GROUP BY ds`);
  expect(created.statusCode, created.body).toBe(200);
});
afterEach(async () => h.close());

describe('/v1/materialized-tables/:id/backfills and /v1/backfills', () => {
  it('a dry run lists the partitions; the backfill refreshes three days as three refreshes and reports its progress', async () => {
    const range = { from: '2026-02-21T01:00:00Z', to: '2026-02-24T01:00:00Z' };
    const dry = await post('/v1/materialized-tables/daily/backfills', { ...range, dryRun: true });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().partitions.map((p: { partition: { ds: string }; nominalTimes: number }) => [p.partition.ds, p.nominalTimes])).toEqual([
      ['2026-02-21', 24],
      ['2026-02-22', 24],
      ['2026-02-23', 24],
    ]);
    expect((await get('/v1/backfills')).json()).toEqual({ backfills: [] }); // a dry run records nothing

    const started = await post('/v1/materialized-tables/daily/backfills', { ...range, reason: 'late source' });
    expect(started.statusCode, started.body).toBe(202);
    const id = started.json().backfill.id as string;
    let view = (await get(`/v1/backfills/${id}`)).json();
    for (let i = 0; i < 5_000 && view.status === 'running'; i++) {
      await new Promise((r) => setImmediate(r));
      view = (await get(`/v1/backfills/${id}`)).json();
    }
    expect(view).toMatchObject({ status: 'succeeded', partitions: 3, done: 3, failed: 0, requestedBy: 'anonymous', table: '`freshet`.`default`.`daily`' });
    const rows = (await sql('SELECT ds, n FROM daily ORDER BY ds')).json().rows;
    expect(rows).toEqual([['2026-02-21', 10], ['2026-02-22', 10], ['2026-02-23', 10]]);
    expect((await get('/v1/backfills?table=%60freshet%60.%60default%60.%60daily%60')).json().backfills.map((b: { id: string }) => b.id)).toEqual([id]);
  });

  it('answers 4xx that say what to fix, and records nothing', async () => {
    const empty = await post('/v1/materialized-tables/daily/backfills', { from: '2026-02-24T00:00:00Z', to: '2026-02-21T00:00:00Z' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0]).toMatch(/must not be empty/);
    expect((await post('/v1/materialized-tables/daily/backfills', { from: 'yesterday', to: '2026-02-21T00:00:00Z' })).statusCode).toBe(400);
    expect((await post('/v1/materialized-tables/daily/backfills', { from: '2026-02-21T00:00:00Z', to: '2026-02-22T00:00:00Z', reprocess: 'some' })).statusCode).toBe(400);
    expect((await post('/v1/materialized-tables/nope/backfills', { from: '2026-02-21T00:00:00Z', to: '2026-02-22T00:00:00Z' })).statusCode).toBe(404);
    expect((await get('/v1/backfills/nope')).statusCode).toBe(404);
    expect((await get('/v1/backfills')).json()).toEqual({ backfills: [] });
  });
});
