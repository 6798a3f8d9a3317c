import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { escapeIdentifier } from '../../src/refresh/flink/index.ts';
import type { RefreshScheduler } from '../../src/refresh/manager/index.ts';
import { type Harness, openHarness } from './manager-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
  await h.manager.executeStatement(`CREATE TABLE src (ds VARCHAR, n INTEGER, v VARCHAR)`);
  await h.manager.executeStatement(`INSERT INTO src VALUES ('2024-01-01', 1, 'a'), ('2024-01-02', 2, 'b')`);
  await h.manager.executeStatement(`CREATE MATERIALIZED TABLE mt PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' DAY AS SELECT ds, n FROM src`);
});
afterAll(async () => h.close());

const run = (sql: string) => h.manager.executeStatement(sql);
const ID = '`freshet`.`default`.`mt`';

describe("Flink's messages", () => {
  it('refresh of a plain table, and of a table that does not exist', async () => {
    await expect(h.manager.refreshMaterializedTable('src', false, null, {}, {}, {})).rejects.toThrow(
      'Table `freshet`.`default`.`src` is not a materialized table, does not support materialized table related operation.',
    );
    await expect(h.manager.refreshMaterializedTable('nope', false, null, {}, {}, {})).rejects.toThrow(
      "Cannot find table '`freshet`.`default`.`nope`' in any of the catalogs [freshet], nor as a temporary table.",
    );
  });

  it('periodic refresh without or with an unparsable schedule time', async () => {
    await expect(h.manager.refreshMaterializedTable('mt', true, null, {}, {}, {})).rejects.toThrow(
      `The scheduler time must not be null during the periodic refresh of the materialized table ${ID}.`,
    );
    await expect(h.manager.refreshMaterializedTable('mt', true, '2024/01/01', {}, {}, {})).rejects.toThrow(
      `Failed to parse a valid partition value for the field 'ds' in materialized table ${ID} using the scheduler time '2024/01/01' based on the date format 'yyyy-MM-dd HH:mm:ss'.`,
    );
  });

  it('static partitions: unknown keys, non-string columns, non-string values', async () => {
    await expect(run(`ALTER MATERIALIZED TABLE mt REFRESH PARTITION (zz = 'x')`)).rejects.toThrow(
      'The partition spec contains unknown partition keys:\n\nzz\n\nAll known partition keys are:\n\nds',
    );
    await expect(run(`ALTER MATERIALIZED TABLE mt REFRESH PARTITION (n = 5)`)).rejects.toThrow(
      'Currently, refreshing materialized table only supports referring to char, varchar and string type partition keys. All specified partition keys in partition specs with unsupported types are:\n\nn',
    );
    const bad = { ds: 5 } as unknown as Record<string, string>;
    await expect(h.manager.refreshMaterializedTable('mt', false, null, {}, bad, {})).rejects.toThrow("The value of partition key 'ds' in the partition spec must be a string");
  });

  it('suspend / resume / drop', async () => {
    await expect(run(`ALTER MATERIALIZED TABLE mt RESUME`)).rejects.toThrow(`Materialized table ${ID} refresh workflow has been resumed.`);
    await run(`ALTER MATERIALIZED TABLE mt SUSPEND`);
    await expect(run(`ALTER MATERIALIZED TABLE mt SUSPEND`)).rejects.toThrow(`Materialized table ${ID} refresh workflow has been suspended.`);
    await run(`ALTER MATERIALIZED TABLE mt RESUME WITH ('k' = 'v')`);
    expect((await h.manager.getTable('mt')).workflow).toMatchObject({ status: 'ACTIVE', dynamicOptions: { k: 'v' } });
    await expect(run(`ALTER MATERIALIZED TABLE src SUSPEND`)).rejects.toThrow('Table `freshet`.`default`.`src` is not a materialized table');
    await expect(run(`DROP MATERIALIZED TABLE gone`)).rejects.toThrow('Materialized table with identifier `freshet`.`default`.`gone` does not exist.');
    expect(await run(`DROP MATERIALIZED TABLE IF EXISTS gone`)).toMatchObject({ kind: 'ddl' });
  });

  it('create: existing name, IF NOT EXISTS, formatter on a non-partition column, CONTINUOUS, bad overlap policy', async () => {
    await expect(run(`CREATE MATERIALIZED TABLE mt FRESHNESS = INTERVAL '1' DAY AS SELECT 1 AS x`)).rejects.toThrow('Table (or view) freshet.default.mt already exists in Catalog freshet.');
    expect(await run(`CREATE MATERIALIZED TABLE IF NOT EXISTS mt FRESHNESS = INTERVAL '1' DAY AS SELECT 1 AS x`)).toMatchObject({ kind: 'ddl', message: expect.stringContaining('already exists') });
    await expect(run(`CREATE MATERIALIZED TABLE m2 PARTITIONED BY (ds) WITH ('partition.fields.n.date-formatter' = 'yyyy') FRESHNESS = INTERVAL '1' DAY AS SELECT ds, n FROM src`)).rejects.toThrow(
      "Column 'n' referenced by materialized table option 'partition.fields.n.date-formatter' isn't a partition column. Available partition columns: ['ds'].",
    );
    await expect(run(`CREATE MATERIALIZED TABLE m3 FRESHNESS = INTERVAL '7' MINUTE AS SELECT 1 AS x`)).rejects.toThrow('only freshness that are factors of 60');
    await expect(run(`CREATE MATERIALIZED TABLE m4 FRESHNESS = INTERVAL '1' DAY REFRESH_MODE = CONTINUOUS AS SELECT 1 AS x`)).rejects.toThrow(/CONTINUOUS/);
    await expect(run(`CREATE MATERIALIZED TABLE m5 WITH ('freshet.refresh.overlap' = 'sometimes') FRESHNESS = INTERVAL '1' DAY AS SELECT 1 AS x`)).rejects.toThrow("Unknown overlap policy 'sometimes'");
    expect(await h.manager.executeStatement('SELECT count(*) FROM information_schema.tables WHERE table_name IN (\'m2\', \'m3\', \'m4\', \'m5\')')).toMatchObject({ rows: [[0]] });
  });

  it('a failing workflow creation rolls the table back with Flink\'s message', async () => {
    const s = h.scheduler;
    const failing: RefreshScheduler = {
      createRefreshWorkflow: async () => { throw new Error('scheduler down'); },
      modifyRefreshWorkflow: (r) => s.modifyRefreshWorkflow(r),
      deleteRefreshWorkflow: (r) => s.deleteRefreshWorkflow(r),
      getRefreshHandlerSerializer: () => s.getRefreshHandlerSerializer(),
      projection: s.projection,
    };
    const { MaterializedTableManager } = await import('../../src/refresh/manager/index.ts');
    const m = new MaterializedTableManager({ store: h.store, warehouse: h.warehouse, scheduler: failing, timeZone: 'UTC' });
    const error = await m.executeStatement(`CREATE MATERIALIZED TABLE rolled FRESHNESS = INTERVAL '1' DAY AS SELECT 1 AS x`).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'FlinkExecutionError', message: 'Failed to create refresh workflow for materialized table `freshet`.`default`.`rolled`.' });
    // Flink's chain: the table's message, the scheduler client's, then the scheduler's own failure.
    expect((error as Error).cause).toMatchObject({ message: 'Failed to create periodic refresh workflow for materialized table `freshet`.`default`.`rolled`.', cause: { message: 'scheduler down' } });
    expect(await h.warehouse.tableExists({ catalog: 'freshet', database: 'default', table: 'rolled' })).toBe(false);
    await expect(m.getTable('rolled')).rejects.toThrow('Cannot find table');
    await m.stop();
  });

  it('cancelling a finished operation is an illegal transition', async () => {
    const handle = await h.manager.refreshMaterializedTable('mt', false, null, {}, { ds: '2024-01-01' }, {});
    await h.manager.waitForOperation(handle);
    await expect(h.manager.cancelRefresh('mt', handle)).rejects.toThrow(`Failed to convert the Operation Status from FINISHED to CANCELED for ${handle}.`);
    await expect(h.manager.getOperation('no-such-handle')).rejects.toThrow('Can not find the submitted operation');
  });
});

describe('hostile identifiers and partition values', () => {
  let seq = 0;
  afterEach(() => undefined);
  const hostile = fc.stringMatching(/^[a-z'";\-/*` \u00e9\u4e2d\u{1F600}]{1,12}$/u).filter((s) => s.trim() !== '' && !s.includes('\u0000'));

  it('never change what a refresh statement does', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (name, value) => {
        seq += 1;
        const table = `${name}_${seq}`;
        const quoted = escapeIdentifier(table);
        await run(`CREATE TABLE IF NOT EXISTS hsrc (ds VARCHAR, v INTEGER)`);
        await run(`DELETE FROM hsrc`);
        await h.warehouse.execute('INSERT INTO hsrc VALUES ($1, 1), ($2, 2)', { params: [value, 'other'] });
        await run(`CREATE MATERIALIZED TABLE ${quoted} PARTITIONED BY (ds) FRESHNESS = INTERVAL '1' DAY AS SELECT ds, v FROM hsrc`);
        const literal = `'${value.replaceAll("'", "''")}'`;
        const r = await run(`ALTER MATERIALIZED TABLE ${quoted} REFRESH PARTITION (ds = ${literal})`);
        const handle = r.kind === 'operation' ? r.operationHandle : '';
        const done = await h.manager.waitForOperation(handle);
        expect(done).toMatchObject({ status: 'FINISHED', partitions: { ds: value }, rowsWritten: 1 });
        const info = await h.manager.getTable(quoted);
        const rows = await h.warehouse.execute(`SELECT ds, v FROM "${info.definition.table.replaceAll('"', '""')}"`);
        expect(rows.rows).toEqual([[value, 1]]);
        // Nothing else was touched.
        expect((await h.warehouse.execute('SELECT count(*) FROM hsrc')).rows).toEqual([[2]]);
        await run(`DROP MATERIALIZED TABLE ${quoted}`);
      }),
      { numRuns: 25 },
    );
  });
});
