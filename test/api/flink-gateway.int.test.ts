import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, openApi } from './support/api-harness.ts';

// The behaviour behind the shapes: typed results, Flink's OK result, session configuration, paging, versions.

describe('Flink SQL Gateway sessions and statements', () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await openApi({ withTables: true, resultPageSize: 2, sessions: { defaults: { 'execution.runtime-mode': 'batch' }, idleTimeoutMs: 60_000 } });
  });
  afterEach(async () => h.close());

  const post = (url: string, payload: object = {}) => h.app.inject({ method: 'POST', url, payload });
  const get = (url: string) => h.app.inject({ method: 'GET', url });
  const open = async (properties: Record<string, string> = {}) => (await post('/v3/sessions', { properties })).json().sessionHandle as string;

  async function run(sh: string, statement: string, extra: object = {}): Promise<{ op: string; status: string }> {
    const op = (await post(`/v3/sessions/${sh}/statements`, { statement, ...extra })).json().operationHandle as string;
    for (;;) {
      const { status } = (await get(`/v3/sessions/${sh}/operations/${op}/status`)).json() as { status: string };
      if (status !== 'RUNNING') return { op, status };
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  const result = async (sh: string, op: string, token = 0, format = 'JSON') => (await get(`/v3/sessions/${sh}/operations/${op}/result/${token}?rowFormat=${format}`)).json();

  it("types columns from DuckDB's result schema: INTEGER, DECIMAL(p,s), nested ARRAY/MAP/ROW, and an empty result keeps them", async () => {
    const sh = await open();
    await run(sh, 'CREATE TABLE typed (i INTEGER, d DECIMAL(10,2), s VARCHAR, dt DATE, ts TIMESTAMP, b BOOLEAN, f DOUBLE, l INTEGER[], m MAP(VARCHAR, BIGINT), r STRUCT(x INTEGER, y VARCHAR))');
    const empty = await run(sh, 'SELECT * FROM typed');
    const page = await result(sh, empty.op);
    expect(page).toMatchObject({ resultType: 'PAYLOAD', isQueryResult: true, resultKind: 'SUCCESS_WITH_CONTENT', results: { data: [] } });
    expect(page.results.columns.map((c: { logicalType: object }) => c.logicalType)).toStrictEqual([
      { type: 'INTEGER', nullable: true },
      { type: 'DECIMAL', nullable: true, precision: 10, scale: 2 },
      { type: 'VARCHAR', nullable: true, length: 2147483647 },
      { type: 'DATE', nullable: true },
      { type: 'TIMESTAMP_WITHOUT_TIME_ZONE', nullable: true, precision: 6 },
      { type: 'BOOLEAN', nullable: true },
      { type: 'DOUBLE', nullable: true },
      { type: 'ARRAY', nullable: true, elementType: { type: 'INTEGER', nullable: true } },
      { type: 'MAP', nullable: true, keyType: { type: 'VARCHAR', nullable: true, length: 2147483647 }, valueType: { type: 'BIGINT', nullable: true } },
      { type: 'ROW', nullable: true, fields: [{ name: 'x', fieldType: { type: 'INTEGER', nullable: true } }, { name: 'y', fieldType: { type: 'VARCHAR', nullable: true, length: 2147483647 } }] },
    ]);
    await run(sh, "INSERT INTO typed VALUES (1, 2.50, 'a', DATE '2026-03-02', TIMESTAMP '2026-03-02 09:00:00', true, 0.5, [1, 2], MAP {'k': 7}, {'x': 3, 'y': 'z'})");
    const full = await run(sh, 'SELECT * FROM typed');
    expect((await result(sh, full.op)).results.data).toStrictEqual([{ kind: 'INSERT', fields: [1, 2.5, 'a', '2026-03-02', '2026-03-02T09:00:00', true, 0.5, [1, 2], { k: 7 }, { x: 3, y: 'z' }] }]);
    expect((await result(sh, full.op, 0, 'PLAIN_TEXT')).results.data[0].fields.slice(0, 3)).toStrictEqual(['1', '2.5', 'a']);
  });

  it("answers a statement without rows as Flink does (SUCCESS, one `result` column, one row OK); a change is content, not a query", async () => {
    const sh = await open();
    const ddl = await run(sh, 'CREATE TABLE t (x INTEGER)');
    expect(await result(sh, ddl.op)).toMatchObject({
      isQueryResult: false,
      resultKind: 'SUCCESS',
      results: { columns: [{ name: 'result', logicalType: { type: 'VARCHAR' } }], data: [{ kind: 'INSERT', fields: ['OK'] }] },
    });
    const insert = await run(sh, 'INSERT INTO t VALUES (1), (2), (3)');
    expect(await result(sh, insert.op)).toMatchObject({ isQueryResult: false, resultKind: 'SUCCESS_WITH_CONTENT', results: { data: [{ fields: [3] }] } });
  });

  it('pages through nextResultUri until EOS; a token past the end is refused', async () => {
    const sh = await open();
    const q = await run(sh, 'SELECT i FROM range(5) t(i) ORDER BY i');
    const seen: unknown[] = [];
    let url: string | undefined = `/v3/sessions/${sh}/operations/${q.op}/result/0?rowFormat=JSON`;
    const types: string[] = [];
    while (url) {
      const page = (await get(url)).json() as { resultType: string; results: { data: { fields: unknown[] }[] }; nextResultUri?: string };
      types.push(page.resultType);
      seen.push(...page.results.data.map((d) => d.fields[0]));
      url = page.nextResultUri;
    }
    expect(types).toStrictEqual(['PAYLOAD', 'PAYLOAD', 'PAYLOAD', 'EOS']);
    expect(seen).toStrictEqual([0, 1, 2, 3, 4]);
    expect((await get(`/v3/sessions/${sh}/operations/${q.op}/result/4?rowFormat=JSON`)).statusCode).toBe(400);
    expect((await get(`/v3/sessions/${sh}/operations/${q.op}/result/0`)).statusCode).toBe(400); // rowFormat is mandatory from V2 on
    const v1 = (await get(`/v1/sessions/${sh}/operations/${q.op}/result/0`)).json();
    expect(v1.nextResultUri).toBe(`/v1/sessions/${sh}/operations/${q.op}/result/1`); // V1 has no row format
  });

  it('keeps the configuration per session: defaults beneath, SET / RESET, sensitive values masked as Flink masks them', async () => {
    const sh = await open({ 'fs.s3a.secret.key': 's3cr3t', 'sasl.jaas.config': 'x', 'a.token': 't', 'plain.key': 'visible' });
    const other = await open();
    await run(sh, "SET 'pipeline.name' = 'it''s mine'");
    await run(sh, "SET 'db.password' = 'p'");
    expect((await get(`/v3/sessions/${sh}`)).json().properties).toStrictEqual({
      'execution.runtime-mode': 'batch',
      'fs.s3a.secret.key': '******',
      'sasl.jaas.config': '******',
      'a.token': '******',
      'plain.key': 'visible',
      'pipeline.name': "it's mine",
      'db.password': '******',
    });
    expect((await get(`/v3/sessions/${other}`)).json().properties).toStrictEqual({ 'execution.runtime-mode': 'batch' });
    const listed = await run(sh, 'SET');
    const rows = (await result(sh, listed.op)).results.data.map((d: { fields: string[] }) => d.fields);
    expect(rows).toContainEqual(['db.password', '******']);
    await run(sh, "RESET 'pipeline.name'");
    expect((await get(`/v3/sessions/${sh}`)).json().properties).not.toHaveProperty('pipeline.name');
    await run(sh, 'RESET');
    expect((await get(`/v3/sessions/${sh}`)).json().properties).toStrictEqual({ 'execution.runtime-mode': 'batch' });
  });

  it('configure-session runs SET and DDL to their end and refuses a query with what it accepts', async () => {
    const sh = await open();
    expect((await post(`/v2/sessions/${sh}/configure-session`, { statement: 'CREATE TABLE c (x INTEGER)' })).statusCode).toBe(200);
    expect(await h.tables?.executeStatement('SELECT count(*) AS n FROM c')).toMatchObject({ rows: [[0]] });
    const refused = await post(`/v2/sessions/${sh}/configure-session`, { statement: 'SELECT 1' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0]).toMatch(/^Unsupported statement for configuring session: SELECT 1\. .*SET, RESET, CREATE/);
    expect((await post(`/v2/sessions/${sh}/configure-session`, { statement: 42 })).statusCode).toBe(400); // no coercion
  });

  it('a session idle past its timeout is gone; a heartbeat keeps it', async () => {
    const kept = await open();
    const idle = await open();
    h.clock.advance(40_000);
    expect((await post(`/v3/sessions/${kept}/heartbeat`)).statusCode).toBe(200);
    h.clock.advance(40_000);
    expect((await get(`/v3/sessions/${kept}`)).statusCode).toBe(200);
    const gone = await get(`/v3/sessions/${idle}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toStrictEqual({ errors: [`Session '${idle}' does not exist.`] });
  });

  it('executionTimeout stops a statement with status TIMEOUT; its result is the error', async () => {
    const sh = await open();
    const slow = await run(sh, 'SELECT sum(i * i) FROM range(10000000000) t(i)', { executionTimeout: 50 });
    expect(slow.status).toBe('TIMEOUT');
    const fetched = await get(`/v3/sessions/${sh}/operations/${slow.op}/result/0?rowFormat=JSON`);
    expect(fetched.statusCode).toBe(400);
    expect(fetched.json().errors[0]).toMatch(/^Failed to fetchResults\. /);
  });

  it('shares /v1 with freshet: Flink paths and freshet paths both answer', async () => {
    expect((await post('/v1/sessions')).statusCode).toBe(200);
    expect((await get('/v1/info')).json()).toMatchObject({ productName: 'freshet' });
    expect((await get('/v1/materialized-tables')).statusCode).toBe(200);
    expect((await get('/v1/workflows')).statusCode).toBe(200);
    expect((await post('/v1/statements', { statement: 'SELECT 1 AS one' })).json()).toMatchObject({ kind: 'query', rows: [[1]] });
  });

  it('complete-statement reads its GET body and validates it', async () => {
    const sh = await open();
    await run(sh, 'CREATE TABLE orders_src (x INTEGER)');
    await run(sh, "CREATE MATERIALIZED TABLE orders_mt FRESHNESS = INTERVAL '1' HOUR AS SELECT x FROM orders_src");
    const hints = await h.app.inject({ method: 'GET', url: `/sessions/${sh}/complete-statement`, payload: { statement: 'SELECT * FROM orders', position: 20 } });
    expect(hints.json()).toStrictEqual({ candidates: ['orders_mt'] });
    const bad = await h.app.inject({ method: 'GET', url: `/sessions/${sh}/complete-statement`, payload: { statement: 'SEL', position: '3' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatch(/position/);
  });
});
