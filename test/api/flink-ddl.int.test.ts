import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operationStreamName } from '../../src/refresh/index.ts';
import { type ApiHarness, openApi } from './support/api-harness.ts';

// Flink's materialized-table DDL through a Flink session: DROP rules, initConfig from the session, cause chains,
// FULL mode without FRESHNESS.

const SOURCE = "CREATE TABLE src AS SELECT * FROM (VALUES ('2026-03-01', 1), ('2026-03-02', 5)) t(ds, v)";
const MT = "CREATE MATERIALIZED TABLE mt FRESHNESS = INTERVAL '1' HOUR AS SELECT ds, v FROM src";
const ID = '`freshet`.`default`.`mt`';

describe("Flink's materialized-table DDL", () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await openApi({ withTables: true, sessions: { defaults: { 'execution.runtime-mode': 'batch', 'table.local-time-zone': 'UTC' } } });
  });
  afterEach(async () => h.close());

  const post = (url: string, payload: object = {}) => h.app.inject({ method: 'POST', url, payload });
  const get = (url: string) => h.app.inject({ method: 'GET', url });
  const sql = (statement: string) => post('/v1/statements', { statement });
  const workflowOf = async (table: string) => {
    const items = (await get(`/v1/workflows?table=${encodeURIComponent(table)}`)).json().items as { workflowId: string; initConfig: Record<string, string>; cronExpression: string }[];
    return items[0];
  };

  /** Runs in a Flink session and waits for the operation; answers its status and, on error, the fetch's message. */
  async function inSession(sh: string, statement: string): Promise<{ status: string; error?: string }> {
    const op = (await post(`/v3/sessions/${sh}/statements`, { statement })).json().operationHandle as string;
    for (;;) {
      const { status } = (await get(`/v3/sessions/${sh}/operations/${op}/status`)).json() as { status: string };
      if (status === 'RUNNING') {
        await new Promise<void>((r) => setImmediate(r));
        continue;
      }
      if (status !== 'ERROR') return { status };
      return { status, error: (await get(`/v3/sessions/${sh}/operations/${op}/result/0?rowFormat=JSON`)).json().errors[0] as string };
    }
  }

  it('refuses DROP TABLE on a materialized table with Flink\'s message, and DROP MATERIALIZED TABLE [IF EXISTS] on a plain one', async () => {
    await sql(SOURCE);
    await sql(MT);
    const drop = await sql('DROP TABLE mt');
    expect(drop.statusCode).toBe(400);
    expect(drop.json().errors[0]).toMatch(/^Table with identifier 'freshet\.default\.mt' does not exist\. It is a materialized table: drop it with DROP MATERIALIZED TABLE/);
    expect((await sql('DROP TABLE MT')).statusCode).toBe(400); // DuckDB names ignore case; so does the check
    expect((await sql('DROP TABLE IF EXISTS mt')).statusCode).toBe(200); // Flink: IF EXISTS leaves it alone
    expect((await get(`/v1/materialized-tables/${encodeURIComponent(ID)}`)).json()).toMatchObject({ status: 'ACTIVATED' });
    expect((await sql('SELECT count(*) AS n FROM mt')).statusCode).toBe(200);

    for (const statement of ['DROP MATERIALIZED TABLE src', 'DROP MATERIALIZED TABLE IF EXISTS src']) {
      const refused = await sql(statement);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().errors).toStrictEqual(['Table `freshet`.`default`.`src` is not a materialized table, does not support materialized table related operation.']);
    }
    expect((await sql('DROP MATERIALIZED TABLE IF EXISTS missing')).statusCode).toBe(200);
    expect((await sql('DROP TABLE src')).statusCode).toBe(200); // a plain table drops as before
    expect((await sql('DROP MATERIALIZED TABLE mt')).statusCode).toBe(200);
  });

  it("takes a DDL-created workflow's initConfig from the session by Flink's rule, and scheduled refreshes use it", async () => {
    const properties = { 'execution.runtime-mode': 'batch', 'table.local-time-zone': 'Europe/Paris', 'table.resources.download-dir': '/tmp/x', 'workflow-scheduler.type': 'embedded', 'parallelism.default': '2' };
    const sh = (await post('/v3/sessions', { properties })).json().sessionHandle as string;
    expect(await inSession(sh, "SET 'pipeline.name' = 'nightly'")).toStrictEqual({ status: 'FINISHED' });
    expect(await inSession(sh, SOURCE)).toStrictEqual({ status: 'FINISHED' });
    expect(await inSession(sh, MT)).toStrictEqual({ status: 'FINISHED' });
    const wf = await workflowOf(ID);
    // Equal to a default (runtime-mode) → left out; a changed default (the zone) stays; download dir and scheduler keys never.
    expect(wf?.initConfig).toStrictEqual({ 'table.local-time-zone': 'Europe/Paris', 'parallelism.default': '2', 'pipeline.name': 'nightly' });

    expect((await post(`/v1/workflows/${wf?.workflowId}/trigger`)).statusCode).toBe(202);
    // The fire runs after the trigger answers: wait until the ledger records its operation.
    let handle: string | null | undefined;
    for (let turn = 0; !handle && turn < 500; turn++) {
      const occurrences = (await get(`/v1/workflows/${wf?.workflowId}/occurrences`)).json().occurrences as { operationHandle: string | null }[];
      handle = occurrences.find((o) => o.operationHandle)?.operationHandle;
      await new Promise<void>((r) => setImmediate(r));
    }
    expect(handle).toBeTruthy();
    const [submitted] = await h.runtime.store.readStream(operationStreamName(String(handle)));
    expect(submitted?.data).toMatchObject({ threads: 2, executionConfig: { 'parallelism.default': '2', 'pipeline.name': 'nightly' } });
  });

  it("answers a failed suspend with Flink's cause chain: the table's message, the scheduler's, the reason", async () => {
    await sql(SOURCE);
    await sql(MT);
    const wf = await workflowOf(ID);
    const info = (await get(`/v1/workflows/${wf?.workflowId}`)).json() as { workflowName: string; workflowGroup: string };
    expect((await h.app.inject({ method: 'DELETE', url: '/v3/workflow/embedded-scheduler/delete', payload: { workflowName: info.workflowName, workflowGroup: info.workflowGroup } })).statusCode).toBe(200);
    const suspend = await sql('ALTER MATERIALIZED TABLE mt SUSPEND');
    expect(suspend.statusCode).toBe(400);
    const lines = (suspend.json().errors[0] as string).split('\n');
    expect(lines[0]).toBe(`Failed to suspend the refresh workflow for materialized table ${ID}.`);
    expect(lines[1]).toMatch(/^Caused by: Failed to suspend refresh workflow /);
    expect(lines.filter((l) => l.startsWith('Caused by: ')).length).toBeGreaterThanOrEqual(2);
    expect(suspend.json().errors[0]).toContain(info.workflowName);
  });

  it("FULL mode without FRESHNESS uses Flink's default full freshness (1 h); leaving out both names the fix", async () => {
    await sql(SOURCE);
    const created = await sql('CREATE MATERIALIZED TABLE hourly REFRESH_MODE = FULL AS SELECT ds, v FROM src');
    expect(created.statusCode).toBe(200);
    expect((await workflowOf('`freshet`.`default`.`hourly`'))?.cronExpression).toBe('0 0 0/1 * * ? *');
    expect((await get(`/v1/materialized-tables/${encodeURIComponent('`freshet`.`default`.`hourly`')}`)).json().definition.freshness).toStrictEqual({ interval: 1, unit: 'HOUR' });
    const neither = await sql('CREATE MATERIALIZED TABLE neither AS SELECT ds, v FROM src');
    expect(neither.statusCode).toBe(400);
    expect(neither.json().errors[0]).toContain('Add REFRESH_MODE = FULL (default freshness 1 h');
  });

  it('SHOW MATERIALIZED TABLES, SHOW CREATE MATERIALIZED TABLE and DESCRIBE answer in Flink\'s shapes', async () => {
    await sql(SOURCE);
    await sql(MT);
    await sql("CREATE MATERIALIZED TABLE daily_sum COMMENT 'per day' PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' DAY AS SELECT ds, sum(v) AS total, [v] AS vs FROM src GROUP BY ds, v");
    await sql("CREATE MATERIALIZED TABLE other.elsewhere FRESHNESS = INTERVAL '1' HOUR AS SELECT 1 AS x");
    const names = async (statement: string) => (await sql(statement)).json().rows;
    expect(await names('SHOW MATERIALIZED TABLES')).toStrictEqual([['daily_sum'], ['mt']]);
    expect(await names("SHOW MATERIALIZED TABLES LIKE 'da%'")).toStrictEqual([['daily_sum']]);
    expect(await names("SHOW MATERIALIZED TABLES NOT LIKE 'da%'")).toStrictEqual([['mt']]);
    expect(await names('SHOW MATERIALIZED TABLES FROM freshet.other')).toStrictEqual([['elsewhere']]);

    const shown = (await sql('SHOW CREATE MATERIALIZED TABLE daily_sum')).json();
    expect(shown.columns).toStrictEqual(['result']);
    expect(shown.rows[0][0]).toBe(
      [
        'CREATE MATERIALIZED TABLE `freshet`.`default`.`daily_sum` (',
        '  `ds` STRING,',
        '  `total` DECIMAL(38, 0),',
        '  `vs` ARRAY<INT>',
        ')',
        "COMMENT 'per day'",
        'PARTITIONED BY (`ds`)',
        'WITH (',
        "  'partition.fields.ds.date-formatter' = 'yyyy-MM-dd'",
        ')',
        "FRESHNESS = INTERVAL '1' DAY",
        'REFRESH_MODE = FULL',
        'AS SELECT ds, sum(v) AS total, [v] AS vs FROM src GROUP BY ds, v',
        '',
      ].join('\n'),
    );
    const missing = await sql('SHOW CREATE MATERIALIZED TABLE nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().errors).toStrictEqual(['Materialized table with identifier `freshet`.`default`.`nope` does not exist.']);

    const described = (await sql('DESCRIBE mt')).json();
    expect(described.columns).toStrictEqual(['name', 'type', 'null', 'key', 'extras', 'watermark']);
    expect(described.rows).toStrictEqual([['ds', 'STRING', true, null, null, null], ['v', 'INT', true, null, null, null]]);
    expect((await sql('DESCRIBE src')).json().columns[0]).toBe('column_name'); // a plain table is DuckDB's

    // Through a Flink session: content, not a query result.
    const sh = (await post('/v3/sessions')).json().sessionHandle as string;
    const op = (await post(`/v3/sessions/${sh}/statements`, { statement: 'SHOW MATERIALIZED TABLES' })).json().operationHandle as string;
    while ((await get(`/v3/sessions/${sh}/operations/${op}/status`)).json().status === 'RUNNING') await new Promise<void>((r) => setImmediate(r));
    expect((await get(`/v3/sessions/${sh}/operations/${op}/result/0?rowFormat=JSON`)).json()).toMatchObject({ isQueryResult: false, resultKind: 'SUCCESS_WITH_CONTENT', results: { columns: [{ name: 'materialized table name' }] } });
  });

  it('ALTER MATERIALIZED TABLE … SET FRESHNESS moves the workflow\'s cron and the definition; SET (…) / RESET (…) are refused', async () => {
    await sql(SOURCE);
    await sql(MT);
    const altered = await sql("ALTER MATERIALIZED TABLE mt SET FRESHNESS = INTERVAL '15' MINUTE");
    expect(altered.statusCode).toBe(200);
    expect((await workflowOf(ID))?.cronExpression).toBe('0 0/15 * * * ? *');
    expect((await get(`/v1/materialized-tables/${encodeURIComponent(ID)}`)).json().definition).toMatchObject({ freshness: { interval: 15, unit: 'MINUTE' }, cronExpression: '0 0/15 * * * ? *' });
    expect((await sql('SHOW CREATE MATERIALIZED TABLE mt')).json().rows[0][0]).toContain("FRESHNESS = INTERVAL '15' MINUTE");
    const bad = await sql("ALTER MATERIALIZED TABLE mt SET FRESHNESS = INTERVAL '7' MINUTE");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toBe('In full refresh mode, only freshness that are factors of 60 are currently supported when the time unit is MINUTE.');
    for (const statement of ["ALTER MATERIALIZED TABLE mt SET ('k' = 'v')", "ALTER MATERIALIZED TABLE mt RESET ('k')"]) {
      const refused = await sql(statement);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().errors[0]).toContain('is not supported (Flink does not run it either)');
    }
  });

  it('ALTER MATERIALIZED TABLE … AS <query> keeps the columns, may append some (the storage gains them), and refuses anything else with Flink\'s messages', async () => {
    await sql(SOURCE);
    await sql(MT);
    expect((await sql("ALTER MATERIALIZED TABLE mt AS SELECT ds, v FROM src WHERE ds = '2026-03-02'")).statusCode).toBe(200);
    expect((await sql("ALTER MATERIALIZED TABLE mt AS SELECT ds, v, v * 10 AS tenfold FROM src")).statusCode).toBe(200);
    expect((await sql('SELECT * FROM mt')).json().columns).toStrictEqual(['ds', 'v', 'tenfold']);
    const refresh = await post(`/v1/materialized-tables/${encodeURIComponent(ID)}/refresh`);
    await h.tables?.waitForOperation(refresh.json().operationHandle);
    expect((await sql('SELECT ds, v, tenfold FROM mt ORDER BY ds')).json().rows).toStrictEqual([['2026-03-01', 1, 10], ['2026-03-02', 5, 50]]);

    const dropped = await sql('ALTER MATERIALIZED TABLE mt AS SELECT ds FROM src');
    expect(dropped.statusCode).toBe(400);
    expect(dropped.json().errors[0]).toBe(
      'Failed to modify query because drop column is unsupported. When modifying a query, you can only append new columns at the end of original schema. The original schema has 3 columns, but the newly derived schema from the query has 1 columns.',
    );
    const reordered = await sql('ALTER MATERIALIZED TABLE mt AS SELECT v, ds, v * 10 AS tenfold FROM src');
    expect(reordered.statusCode).toBe(400);
    expect(reordered.json().errors[0]).toMatch(/\nColumn mismatch at position 0: Original column is \[`ds` STRING\], but new column is \[`v` INT\]\.$/);
    expect((await get(`/v1/materialized-tables/${encodeURIComponent(ID)}`)).json().definition.query).toBe('SELECT ds, v, v * 10 AS tenfold FROM src');
  });
});
