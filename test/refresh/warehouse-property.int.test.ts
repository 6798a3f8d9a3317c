import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDuckDbWarehouse, quoteIdent, warehouseFile } from '../../src/refresh/warehouse/index.ts';
import type { WarehouseExecutor } from '../../src/refresh/warehouse/index.ts';

let dir: string;
let wh: WarehouseExecutor;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'freshet-wh-prop-'));
  wh = createDuckDbWarehouse();
  await wh.open({ path: warehouseFile(dir) });
  await wh.execute('CREATE TABLE sentinel AS SELECT i AS x FROM range(10) r(i)');
  await wh.execute('CREATE TABLE src (k1 VARCHAR, k2 VARCHAR, v INTEGER)');
});

afterAll(async () => {
  await wh.close();
  await rm(dir, { recursive: true, force: true });
});

const NASTY = ['"', '""', "'", "''", ';', '--', '/*', '*/', '\\', '\\"', '$1', '?', 'a"; DROP TABLE sentinel; --', "x' OR '1'='1", ') --', 'Ünïcødé 🚀', ' ', 'default', 'main', 'SELECT'];
const hostile = fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', minLength: 1, maxLength: 12 })).filter((s) => !s.includes('\0'));
/** DuckDB folds identifier case; keep generated names distinct under any folding it might use. */
const distinct = (...names: string[]) => new Set(names.map((n) => n.toLowerCase())).size === names.length && new Set(names.map((n) => n.toUpperCase())).size === names.length;

const tablesNow = async () => (await wh.execute('SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL')).rows;

it('hostile names and partition values only ever land the right rows in the right partition', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({ database: hostile, table: hostile, k1: hostile, k2: hostile, val: hostile, p1: hostile, p2: hostile, q1: hostile, q2: hostile }),
      async ({ database, table, k1, k2, val, p1, p2, q1, q2 }) => {
        fc.pre(distinct(k1, k2, val) && p1 !== p2 && q1 !== q2 && distinct(database, 'default', 'main') && distinct(table, 'src', 'sentinel'));
        const id = { catalog: 'freshet', database, table };
        const before = await tablesNow();
        await wh.createTable(id, [{ name: k1, type: 'VARCHAR' }, { name: k2, type: 'VARCHAR' }, { name: val, type: 'INTEGER' }], { partitionKeys: [k1, k2] });
        try {
          await wh.execute('DELETE FROM src');
          for (const [a, b, v] of [[p1, q1, 1], [p1, q2, 2], [p2, q1, 3], [p2, q2, 4]] as const) {
            await wh.execute('INSERT INTO src VALUES ($1, $2, $3)', { params: [a, b, v] });
          }
          const query = `SELECT k1 AS ${quoteIdent(k1)}, k2 AS ${quoteIdent(k2)}, v AS ${quoteIdent(val)} FROM src`;
          await wh.refresh({ table: id, query, partitions: {} });
          await wh.execute('UPDATE src SET v = v * 100');
          const result = await wh.refresh({ table: id, query, partitions: { [k1]: p1, [k2]: q1 } });

          expect(result).toEqual({ rowsWritten: 1, rowsDeleted: 1 });
          const read = `SELECT ${quoteIdent(val)} FROM freshet.${quoteIdent(database)}.${quoteIdent(table)} ORDER BY 1`;
          expect((await wh.execute(read)).rows).toEqual([[2], [3], [4], [100]]);
          const p1q1 = `SELECT count(*) FROM freshet.${quoteIdent(database)}.${quoteIdent(table)} WHERE ${quoteIdent(k1)} = $1 AND ${quoteIdent(k2)} = $2 AND ${quoteIdent(val)} = 100`;
          expect((await wh.execute(p1q1, { params: [p1, q1] })).rows).toEqual([[1]]);
          expect((await wh.execute('SELECT count(*), sum(x) FROM sentinel')).rows).toEqual([[10, 45]]);
        } finally {
          await wh.dropTable(id);
        }
        expect(await tablesNow()).toEqual(before);
      },
    ),
    { numRuns: 40 },
  );
});
