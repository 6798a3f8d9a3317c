import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, openApi } from './support/api-harness.ts';

const MT = '`freshet`.`default`.`daily`';
const CREATE_SOURCE = "CREATE TABLE src AS SELECT * FROM (VALUES ('2026-03-01', 1), ('2026-03-01', 2), ('2026-03-02', 5)) t(ds, v)";
const CREATE_MT = "CREATE MATERIALIZED TABLE daily PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' DAY AS SELECT ds, sum(v) AS total FROM src GROUP BY ds";

describe('tables, statements and operations (/v1) over a real DuckDB warehouse', () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await openApi({ withTables: true });
  });
  afterEach(async () => h.close());

  const statement = (sql: string) => h.app.inject({ method: 'POST', url: '/v1/statements', payload: { statement: sql, reason: 'test' } });
  const settled = async (handle: string) => h.tables?.waitForOperation(handle);

  it('runs queries and DDL, refreshes, suspends, resumes, drops', async () => {
    expect((await statement(CREATE_SOURCE)).statusCode).toBe(200);
    const created = await statement(CREATE_MT);
    expect(created.json()).toMatchObject({ kind: 'ddl', table: MT });
    const query = await statement('SELECT ds, v FROM src ORDER BY ds, v');
    expect(query.json()).toStrictEqual({ kind: 'query', columns: ['ds', 'v'], rows: [['2026-03-01', 1], ['2026-03-01', 2], ['2026-03-02', 5]] });

    const list = (await h.app.inject({ method: 'GET', url: '/v1/materialized-tables' })).json();
    expect(list.tables.map((t: { definition: { identifier: string } }) => t.definition.identifier)).toStrictEqual([MT]);
    for (const id of ['daily', 'default.daily', encodeURIComponent(MT)]) {
      const one = await h.app.inject({ method: 'GET', url: `/v1/materialized-tables/${id}` });
      expect(one.statusCode, id).toBe(200);
      expect(one.json()).toMatchObject({ status: 'ACTIVATED', definition: { identifier: MT, partitionKeys: ['ds'] }, workflow: { status: 'ACTIVE', cronExpression: '0 0 0 * * ? *' } });
    }

    const refresh = await h.app.inject({ method: 'POST', url: '/v1/materialized-tables/daily/refresh', payload: { partitions: { ds: '2026-03-01' } } });
    expect(refresh.statusCode).toBe(202);
    const handle = refresh.json().operationHandle as string;
    await settled(handle);
    const op = (await h.app.inject({ method: 'GET', url: `/v1/operations/${handle}` })).json();
    expect(op).toMatchObject({ table: MT, operationHandle: handle, status: 'FINISHED', kind: 'one-time', partitions: { ds: '2026-03-01' } });
    expect((await statement('SELECT ds, total FROM daily')).json().rows).toStrictEqual([['2026-03-01', 3]]);
    const cancelDone = await h.app.inject({ method: 'POST', url: `/v1/operations/${handle}/cancel` });
    expect(cancelDone.statusCode).toBe(409);
    expect(cancelDone.json().errors[0]).toBe(`Failed to convert the Operation Status from FINISHED to CANCELED for ${handle}.`);

    const suspended = await h.app.inject({ method: 'POST', url: '/v1/materialized-tables/daily/suspend', payload: { reason: 'pause' } });
    expect(suspended.json()).toMatchObject({ status: 'SUSPENDED', workflow: { status: 'SUSPENDED' } });
    const again = await h.app.inject({ method: 'POST', url: '/v1/materialized-tables/daily/suspend' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toStrictEqual({ errors: [`Materialized table ${MT} refresh workflow has been suspended.`] });
    const resumed = await h.app.inject({ method: 'POST', url: '/v1/materialized-tables/daily/resume', payload: { options: { "it's": 'quoted' } } });
    expect(resumed.json()).toMatchObject({ status: 'ACTIVATED', workflow: { status: 'ACTIVE', dynamicOptions: { "it's": 'quoted' } } });

    // A pause: suspended until an instant, shown on the table and its workflow; a bad or past instant is a 400.
    await h.app.inject({ method: 'POST', url: '/v1/materialized-tables/daily/resume', payload: {} });
    const pauseAt = (until: string) => h.app.inject({ method: 'POST', url: '/v1/materialized-tables/daily/suspend', payload: { reason: 'window', until } });
    const notInstant = await pauseAt('tomorrow');
    expect(notInstant.statusCode).toBe(400);
    expect(notInstant.json().errors[0]).toMatch(/^until 'tomorrow' is not an ISO-8601 instant/);
    const past = await pauseAt('2020-01-01T00:00:00Z');
    expect(past.statusCode).toBe(400);
    expect(past.json().errors[0]).toMatch(/^A pause must end in the future/);
    expect((await h.app.inject({ method: 'GET', url: '/v1/materialized-tables/daily' })).json()).toMatchObject({ status: 'ACTIVATED', suspendedUntil: null });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const paused = await pauseAt(until);
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ status: 'SUSPENDED', suspendReason: 'window', suspendedUntil: until, workflow: { status: 'SUSPENDED', suspendedUntil: until } });

    const dropped = await h.app.inject({ method: 'DELETE', url: '/v1/materialized-tables/daily' });
    expect(dropped.json()).toStrictEqual({ table: MT, message: `Materialized table ${MT} dropped.` });
    expect((await h.app.inject({ method: 'GET', url: '/v1/materialized-tables/daily' })).statusCode).toBe(404);
  });

  it('answers bad statements, unknown tables and unknown operations with 4xx and the reason', async () => {
    const syntax = await statement('SELEC 1');
    expect(syntax.statusCode).toBe(400);
    expect(syntax.json().errors[0]).toContain('syntax error');
    const missing = await h.app.inject({ method: 'GET', url: '/v1/materialized-tables/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().errors[0]).toBe("Cannot find table '`freshet`.`default`.`nope`' in any of the catalogs [freshet], nor as a temporary table.");
    await statement(CREATE_SOURCE);
    const notMaterialized = await h.app.inject({ method: 'POST', url: '/v1/materialized-tables/src/refresh' });
    expect(notMaterialized.statusCode).toBe(400);
    expect(notMaterialized.json().errors[0]).toBe('Table `freshet`.`default`.`src` is not a materialized table, does not support materialized table related operation.');
    await statement(CREATE_MT);
    const badPartition = await h.app.inject({ method: 'POST', url: '/v1/materialized-tables/daily/refresh', payload: { partitions: { nope: 'x' } } });
    expect(badPartition.statusCode).toBe(400);
    expect(badPartition.json().errors[0]).toMatch(/^The partition spec contains unknown partition keys/);
    expect((await h.app.inject({ method: 'GET', url: '/v1/operations/nope' })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/v1/materialized-tables/a.b.c.d' })).statusCode).toBe(400);
  });
});

describe('Flink sessions, statements, results and refresh (/v3)', () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await openApi({ withTables: true });
  });
  afterEach(async () => h.close());

  const post = (url: string, payload: object = {}) => h.app.inject({ method: 'POST', url, payload });
  const get = (url: string) => h.app.inject({ method: 'GET', url });

  async function run(session: string, sql: string): Promise<string> {
    const { operationHandle } = (await post(`/v3/sessions/${session}/statements`, { statement: sql })).json();
    while ((await get(`/v3/sessions/${session}/operations/${operationHandle}/status`)).json().status === 'RUNNING') await new Promise<void>((r) => setImmediate(r));
    return operationHandle;
  }

  it('opens a session, runs a query and fetches PAYLOAD then EOS with Flink field names', async () => {
    const opened = await post('/v3/sessions', { sessionName: 'test', properties: { 'table.local-time-zone': 'UTC' } });
    expect(Object.keys(opened.json())).toStrictEqual(['sessionHandle']);
    const sh = opened.json().sessionHandle as string;
    await run(sh, CREATE_SOURCE);
    const op = await run(sh, "SELECT ds, sum(v) AS total, 1.5 AS f, true AS b FROM src WHERE ds = '2026-03-02' GROUP BY ds");
    expect((await get(`/v3/sessions/${sh}/operations/${op}/status`)).json()).toStrictEqual({ status: 'FINISHED' });

    const payload = (await get(`/v3/sessions/${sh}/operations/${op}/result/0?rowFormat=JSON`)).json();
    expect(payload).toStrictEqual({
      resultType: 'PAYLOAD',
      isQueryResult: true,
      resultKind: 'SUCCESS_WITH_CONTENT',
      results: {
        columns: [
          { name: 'ds', logicalType: { type: 'VARCHAR', nullable: true, length: 2147483647 }, comment: null },
          // DuckDB's sum of an INTEGER is a HUGEINT, and 1.5 a DECIMAL(2,1): the result schema, not the values, decides.
          { name: 'total', logicalType: { type: 'DECIMAL', nullable: true, precision: 38, scale: 0 }, comment: null },
          { name: 'f', logicalType: { type: 'DECIMAL', nullable: true, precision: 2, scale: 1 }, comment: null },
          { name: 'b', logicalType: { type: 'BOOLEAN', nullable: true }, comment: null },
        ],
        rowFormat: 'JSON',
        data: [{ kind: 'INSERT', fields: ['2026-03-02', 5, 1.5, true] }],
      },
      nextResultUri: `/v3/sessions/${sh}/operations/${op}/result/1?rowFormat=JSON`,
    });
    const eos = (await get(payload.nextResultUri)).json();
    expect(eos.resultType).toBe('EOS');
    expect(eos.results.data).toStrictEqual([]);
    expect(eos).not.toHaveProperty('nextResultUri');
    const text = (await get(`/v3/sessions/${sh}/operations/${op}/result/0?rowFormat=PLAIN_TEXT`)).json();
    expect(text.results.data[0].fields).toStrictEqual(['2026-03-02', '5', '1.5', 'true']);
    expect((await get(`/v3/sessions/${sh}/operations/${op}/result/2?rowFormat=JSON`)).statusCode).toBe(400);

    expect((await h.app.inject({ method: 'DELETE', url: `/v3/sessions/${sh}/operations/${op}/close` })).json()).toStrictEqual({ status: 'CLOSED' });
    const gone = await get(`/v3/sessions/${sh}/operations/${op}/status`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toStrictEqual({ errors: [`Can not find the submitted operation in the OperationManager with the ${op}.`] });
    expect((await h.app.inject({ method: 'DELETE', url: `/v3/sessions/${sh}` })).json()).toStrictEqual({ status: 'CLOSED' });
    const closed = await h.app.inject({ method: 'DELETE', url: `/v3/sessions/${sh}` });
    expect(closed.statusCode).toBe(404);
    expect(closed.json()).toStrictEqual({ errors: [`Session '${sh}' does not exist.`] });
  });

  it("DDL answers Flink's OK result; a failed statement's result is the error", async () => {
    const sh = (await post('/v3/sessions')).json().sessionHandle as string;
    const ddl = await run(sh, CREATE_SOURCE.replace('src', 'src2'));
    expect((await get(`/v3/sessions/${sh}/operations/${ddl}/result/0?rowFormat=JSON`)).json().results.data).toStrictEqual([{ kind: 'INSERT', fields: ['OK'] }]);
    await run(sh, CREATE_SOURCE);
    const mt = await run(sh, CREATE_MT);
    const ok = (await get(`/v3/sessions/${sh}/operations/${mt}/result/0?rowFormat=JSON`)).json();
    expect(ok).toMatchObject({ resultKind: 'SUCCESS', isQueryResult: false, results: { columns: [{ name: 'result' }], data: [{ kind: 'INSERT', fields: ['OK'] }] } });
    const bad = await run(sh, 'SELECT * FROM missing_table');
    expect((await get(`/v3/sessions/${sh}/operations/${bad}/status`)).json().status).toBe('ERROR');
    const failed = await get(`/v3/sessions/${sh}/operations/${bad}/result/0?rowFormat=JSON`);
    expect(failed.statusCode).toBe(400);
    expect(failed.json().errors[0]).toMatch(/^Failed to fetchResults\. .*missing_table/s);
  });

  it('refresh: isPeriodic + scheduleTime derive the partition; periodic is ignored; the job row is the operation', async () => {
    const sh = (await post('/v3/sessions')).json().sessionHandle as string;
    await run(sh, CREATE_SOURCE);
    await run(sh, CREATE_MT);
    const url = `/v3/sessions/${sh}/materialized-tables/${encodeURIComponent(MT)}/refresh`;
    const res = await post(url, { isPeriodic: true, periodic: false, scheduleTime: '2026-03-03 00:00:00', dynamicOptions: null, staticPartitions: null, executionConfig: null });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json())).toStrictEqual(['operationHandle']);
    const oh = res.json().operationHandle as string;
    await h.tables?.waitForOperation(oh);
    expect((await get(`/v1/operations/${oh}`)).json()).toMatchObject({ kind: 'periodic', partitions: { ds: '2026-03-02' }, status: 'FINISHED' });
    expect((await get(`/v3/sessions/${sh}/operations/${oh}/status`)).json()).toStrictEqual({ status: 'FINISHED' });
    const result = (await get(`/v3/sessions/${sh}/operations/${oh}/result/0?rowFormat=JSON`)).json();
    expect(result.results.columns.map((c: { name: string }) => c.name)).toStrictEqual(['job id', 'cluster info']);
    expect(result.results.data[0].fields[0]).toBe(oh);

    const noTime = await post(url, { isPeriodic: true });
    expect(noTime.statusCode).toBe(400);
    expect(noTime.json().errors[0]).toBe(`The scheduler time must not be null during the periodic refresh of the materialized table ${MT}.`);
    const unknownSession = await post(`/v3/sessions/nope/materialized-tables/${encodeURIComponent(MT)}/refresh`, { isPeriodic: false });
    expect(unknownSession.statusCode).toBe(404);
    expect(unknownSession.json()).toStrictEqual({ errors: ["Session 'nope' does not exist."] });
  });
});
