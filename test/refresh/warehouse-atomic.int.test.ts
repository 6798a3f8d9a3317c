import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createDuckDbWarehouse, warehouseFile } from '../../src/refresh/warehouse/index.ts';
import type { TableId, WarehouseExecutor } from '../../src/refresh/warehouse/index.ts';

const target: TableId = { catalog: 'freshet', database: 'default', table: 't' };
let dir: string;
let wh: WarehouseExecutor;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'freshet-wh-atomic-'));
  wh = createDuckDbWarehouse();
  await wh.open({ path: warehouseFile(dir), maxConnections: 4 });
  // Two versions of the 'hot' partition with different counts and sums, plus a 'cold' one nobody refreshes.
  await wh.execute(`CREATE TABLE state_a AS SELECT 'hot' AS k, i AS v FROM range(20000) r(i)`);
  await wh.execute(`CREATE TABLE state_b AS SELECT 'hot' AS k, i * 3 AS v FROM range(35000) r(i)`);
  await wh.createTable(target, [{ name: 'k', type: 'VARCHAR' }, { name: 'v', type: 'BIGINT' }], { partitionKeys: ['k'] });
  await wh.execute(`INSERT INTO t SELECT 'cold' AS k, 1 AS v FROM range(1000)`);
  await wh.refresh({ table: target, query: 'SELECT * FROM state_a', partitions: { k: 'hot' } });
});

afterEach(async () => {
  await wh.close();
  await rm(dir, { recursive: true, force: true });
});

const snapshot = async () => JSON.stringify((await wh.execute('SELECT count(*), sum(v) FROM t')).rows[0]);

it('shows concurrent readers the old rows or the new rows, never a mix or nothing', async () => {
  const stateA = await snapshot();
  await wh.refresh({ table: target, query: 'SELECT * FROM state_b', partitions: { k: 'hot' } });
  const stateB = await snapshot();
  expect(stateA).not.toEqual(stateB);

  let refreshing = true;
  const seen: string[] = [];
  const reader = async () => {
    while (refreshing) seen.push(await snapshot());
  };
  // Fired at once: the per-table lock runs them one after another, each on a pooled connection.
  const refreshes = Array.from({ length: 24 }, (_, i) =>
    wh.refresh({ table: target, query: `SELECT * FROM ${i % 2 === 0 ? 'state_a' : 'state_b'}`, partitions: { k: 'hot' } }),
  );
  const readers = [reader(), reader()];
  await Promise.all(refreshes);
  refreshing = false;
  await Promise.all(readers);

  expect(seen.length).toBeGreaterThan(0);
  expect(seen.filter((s) => s !== stateA && s !== stateB)).toEqual([]);
  expect(await snapshot()).toBe(stateB);
});

it('lands concurrent refreshes of different partitions and tables without conflicts', async () => {
  const other: TableId = { ...target, table: 'other' };
  await wh.createTable(other, [{ name: 'k', type: 'VARCHAR' }, { name: 'v', type: 'BIGINT' }]);
  const results = await Promise.all([
    wh.refresh({ table: target, query: "SELECT 'cold' AS k, 5 AS v", partitions: { k: 'cold' } }),
    wh.refresh({ table: target, query: 'SELECT * FROM state_b', partitions: { k: 'hot' } }),
    wh.refresh({ table: other, query: 'SELECT * FROM state_a', partitions: {} }),
  ]);
  expect(results).toEqual([
    { rowsWritten: 1, rowsDeleted: 1000 },
    { rowsWritten: 35000, rowsDeleted: 20000 },
    { rowsWritten: 20000, rowsDeleted: 0 },
  ]);
  expect((await wh.execute('SELECT k, count(*) FROM t GROUP BY k ORDER BY k')).rows).toEqual([['cold', 1], ['hot', 35000]]);
});
