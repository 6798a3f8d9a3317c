import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, openApi } from './support/api-harness.ts';

// DROP TABLE in DuckDB's own syntax must not drop a materialized table's storage behind its workflow's back: every
// form is refused with Flink's message and the table keeps its rows and its ACTIVATED workflow; plain tables drop.

const ID = '`freshet`.`default`.`mt`';
const REFUSED = /^Table with identifier 'freshet\.default\.mt' does not exist\. It is a materialized table: drop it with DROP MATERIALIZED TABLE/i;

describe('DROP TABLE in DuckDB syntax against a materialized table', () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await openApi({ withTables: true });
    await sql("CREATE TABLE src AS SELECT * FROM (VALUES ('2026-03-01', 1), ('2026-03-02', 5)) t(ds, v)");
    expect((await sql("CREATE MATERIALIZED TABLE mt FRESHNESS = INTERVAL '1' HOUR AS SELECT ds, v FROM src")).statusCode).toBe(200);
    expect((await post(`/v1/materialized-tables/${encodeURIComponent(ID)}/refresh`, {})).statusCode).toBeLessThan(300);
    await h.runtime.tables.whenIdle();
  });
  afterEach(async () => h.close());

  const post = (url: string, payload: object = {}) => h.app.inject({ method: 'POST', url, payload });
  const sql = (statement: string) => post('/v1/statements', { statement });
  const rowsOf = async (table: string) => (await sql(`SELECT count(*) AS n FROM ${table}`)).json().rows as unknown[][];
  async function stillThere(): Promise<void> {
    expect(await rowsOf('mt')).toStrictEqual([[2]]);
    expect((await h.app.inject({ method: 'GET', url: `/v1/materialized-tables/${encodeURIComponent(ID)}` })).json()).toMatchObject({ status: 'ACTIVATED' });
  }

  it.each([
    'DROP TABLE "mt"',
    'DROP TABLE "MT" CASCADE',
    'drop table mt restrict;',
    'DROP TABLE "default"."mt"',
    'DROP TABLE freshet."default".mt',
    'DROP TABLE "freshet"."default"."mt" CASCADE;',
    'DROP TABLE src2, mt',
    'DROP TABLE IF EXISTS src2, "mt" CASCADE',
    'CREATE TABLE src2 (i INTEGER); DROP TABLE "mt" CASCADE',
    'SELECT 1; drop table IF EXISTS mt',
    'DROP TABLE /* a comment */ "mt"',
  ])('refuses %j, and nothing of it runs', async (statement) => {
    const refused = await sql(statement);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0]).toMatch(REFUSED);
    await stillThere();
    // Nothing half-run: a batch's other statements did not run either.
    expect((await sql('SELECT count(*) FROM src2')).json().errors[0]).toMatch(/src2 does not exist/);
  });

  it('refuses a DROP TABLE it cannot read instead of passing it on unchecked', async () => {
    const refused = await sql('DROP TABLE mt WHATEVER');
    expect(refused.statusCode).toBe(400);
    await stillThere();
  });

  it('leaves a lone materialized table alone under IF EXISTS (Flink), and drops plain tables in any of these forms', async () => {
    expect((await sql('DROP TABLE IF EXISTS "mt" CASCADE')).statusCode).toBe(200);
    await stillThere();
    for (const [create, drop] of [
      ['CREATE TABLE p1 (i INTEGER)', 'DROP TABLE "p1" CASCADE'],
      ['CREATE TABLE p2 (i INTEGER)', 'DROP TABLE IF EXISTS "default".p2 RESTRICT'],
      ['CREATE TABLE p3 (i INTEGER)', 'DROP TABLE freshet."default"."P3";'],
      ['CREATE TABLE p4 (i INTEGER)', 'SELECT 1; DROP TABLE p4'],
    ] as const) {
      expect((await sql(create)).statusCode).toBe(200);
      expect((await sql(drop)).statusCode).toBe(200);
    }
    for (const t of ['p1', 'p2', 'p3', 'p4']) expect((await sql(`SELECT * FROM ${t}`)).json().errors[0]).toMatch(new RegExp(`${t} does not exist`));
    await stillThere();
  });
});
