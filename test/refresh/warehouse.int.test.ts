import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidColumnTypeError,
  InvalidQueryError,
  StatementNotAllowedError,
  TableNotFoundError,
  UnknownCatalogError,
  WarehouseClosedError,
  WarehouseError,
  createDuckDbWarehouse,
  warehouseFile,
} from '../../src/refresh/warehouse/index.ts';
import type { TableId, WarehouseExecutor } from '../../src/refresh/warehouse/index.ts';

const target: TableId = { catalog: 'freshet', database: 'default', table: 'daily' };
let dir: string;
let wh: WarehouseExecutor;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'freshet-wh-'));
  wh = createDuckDbWarehouse();
  await wh.open({ path: warehouseFile(dir) });
  await wh.execute(`CREATE TABLE src (ds VARCHAR, v VARCHAR)`);
  await wh.execute(`INSERT INTO src VALUES ('a', '1'), ('a', '2'), ('b', '10'), ('c', '100')`);
  await wh.createTable(target, [{ name: 'ds', type: 'VARCHAR' }, { name: 'total', type: 'BIGINT' }], { partitionKeys: ['ds'] });
});

afterEach(async () => {
  await wh.close();
  await rm(dir, { recursive: true, force: true });
});

const QUERY = 'SELECT ds, sum(CAST(v AS INTEGER)) AS total FROM src GROUP BY ds';
const rowsOf = async (sql: string) => (await wh.execute(sql)).rows;

describe('identifier mapping', () => {
  it('answers to the name it was created with, with or without catalog and database', async () => {
    await wh.refresh({ table: target, query: QUERY, partitions: {} });
    const expected = [['a', 3], ['b', 10], ['c', 100]];
    expect(await rowsOf('SELECT * FROM daily ORDER BY ds')).toEqual(expected);
    expect(await rowsOf('SELECT * FROM "default".daily ORDER BY ds')).toEqual(expected);
    expect(await rowsOf('SELECT * FROM freshet.default.daily ORDER BY ds')).toEqual(expected);
  });

  it('puts another Flink database in a DuckDB schema of that name', async () => {
    const sales: TableId = { catalog: 'freshet', database: 'sales', table: 'daily' };
    await wh.createTable(sales, [{ name: 'x', type: 'INTEGER' }]);
    await wh.execute('INSERT INTO sales.daily VALUES (7)');
    expect(await rowsOf('SELECT * FROM freshet.sales.daily')).toEqual([[7]]);
    expect(await rowsOf('SELECT count(*) FROM daily')).toEqual([[0]]);
  });

  it('rejects a catalog it does not hold', async () => {
    await expect(wh.tableExists({ ...target, catalog: 'default_catalog' })).rejects.toBeInstanceOf(UnknownCatalogError);
  });

  it('keeps tables across a close and reopen of the same file', async () => {
    await wh.refresh({ table: target, query: QUERY, partitions: {} });
    await wh.close();
    await wh.open({ path: warehouseFile(dir) });
    expect(await rowsOf('SELECT count(*) FROM daily')).toEqual([[3]]);
  });
});

describe('tables', () => {
  it('reports, drops and refuses to drop a missing table unless ifExists', async () => {
    expect(await wh.tableExists(target)).toBe(true);
    await wh.dropTable(target);
    expect(await wh.tableExists(target)).toBe(false);
    await expect(wh.dropTable(target)).rejects.toBeInstanceOf(TableNotFoundError);
    await wh.dropTable(target, { ifExists: true });
  });

  it('rejects a column type that is not a type, and never creates the table', async () => {
    const id = { ...target, table: 'evil' };
    await expect(wh.createTable(id, [{ name: 'x', type: 'INTEGER); DROP TABLE src; --' }])).rejects.toBeInstanceOf(InvalidColumnTypeError);
    await expect(wh.createTable(id, [{ name: 'x', type: 'NOT_A_TYPE' }])).rejects.toBeInstanceOf(InvalidColumnTypeError);
    expect(await wh.tableExists(id)).toBe(false);
    expect(await rowsOf('SELECT count(*) FROM src')).toEqual([[4]]);
  });

  it('rejects partition keys that are not columns', async () => {
    await expect(wh.createTable({ ...target, table: 'p' }, [{ name: 'x', type: 'INTEGER' }], { partitionKeys: ['ds'] })).rejects.toThrow(
      /Partition keys 'ds' are not columns/,
    );
  });
});

describe('execute and describeQuery', () => {
  it('returns JSON-safe values and rows changed', async () => {
    const insert = await wh.execute('INSERT INTO src VALUES ($1, $2)', { params: ["d'; DROP TABLE src; --", '5'] });
    expect(insert.rowsChanged).toBe(1);
    const r = await wh.execute(
      `SELECT 42::BIGINT AS b, 12345678901234567890::HUGEINT AS h, 1.50::DECIMAL(10,2) AS d, 1.5::DECIMAL(38,2) AS wide,
              DATE '2024-01-02' AS day, TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tz`,
    );
    expect(r.columns).toEqual(['b', 'h', 'd', 'wide', 'day', 'ts', 'tz']);
    expect(r.rows).toEqual([[42, '12345678901234567890', 1.5, '1.50', '2024-01-02', '2024-01-02T03:04:05.123456', '2024-01-02T03:04:05Z']]);
    expect(JSON.parse(JSON.stringify(r.rows))).toEqual(r.rows);
    expect(await rowsOf("SELECT count(*) FROM src WHERE ds LIKE 'd%'")).toEqual([[1]]);
  });

  it('maps DuckDB errors to WarehouseError with DuckDB’s message', async () => {
    await expect(wh.execute('SELECT nope FROM src')).rejects.toThrow(/nope/);
    await expect(wh.execute('SELECT nope FROM src')).rejects.toBeInstanceOf(WarehouseError);
  });

  it('describes a query’s columns without running it', async () => {
    expect(await wh.describeQuery(`${QUERY};`)).toEqual([
      { name: 'ds', type: 'VARCHAR' },
      { name: 'total', type: 'HUGEINT' },
    ]);
    // Would take minutes if it ran.
    expect(await wh.describeQuery('SELECT count(*) AS n FROM range(1000000000) a, range(1000000) b')).toEqual([{ name: 'n', type: 'BIGINT' }]);
  });

  it('refuses a definition that is not exactly one SELECT', async () => {
    await expect(wh.describeQuery('SELECT 1; DROP TABLE src')).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(wh.describeQuery('DROP TABLE src')).rejects.toBeInstanceOf(InvalidQueryError);
    expect(await wh.tableExists({ ...target, table: 'src' })).toBe(true);
  });

  it('refuses work once closed', async () => {
    await wh.close();
    await expect(wh.execute('SELECT 1')).rejects.toBeInstanceOf(WarehouseClosedError);
    await wh.open({ path: warehouseFile(dir) });
  });
});

describe('refresh', () => {
  beforeEach(async () => {
    await wh.refresh({ table: target, query: QUERY, partitions: {} });
    await wh.execute(`UPDATE src SET v = CAST(CAST(v AS INTEGER) * 2 AS VARCHAR)`);
  });

  it('overwrites exactly the named partition', async () => {
    const result = await wh.refresh({ table: target, query: QUERY, partitions: { ds: 'b' } });
    expect(result).toEqual({ rowsWritten: 1, rowsDeleted: 1 });
    expect(await rowsOf('SELECT * FROM daily ORDER BY ds')).toEqual([['a', 3], ['b', 20], ['c', 100]]);
  });

  it('overwrites the whole table when no partition is given', async () => {
    await wh.execute(`DELETE FROM src WHERE ds = 'c'`);
    const result = await wh.refresh({ table: target, query: QUERY, partitions: {} });
    expect(result).toEqual({ rowsWritten: 2, rowsDeleted: 3 });
    expect(await rowsOf('SELECT * FROM daily ORDER BY ds')).toEqual([['a', 6], ['b', 20]]);
  });

  it('creates an empty partition when the query has no rows for it', async () => {
    expect(await wh.refresh({ table: target, query: QUERY, partitions: { ds: 'zzz' } })).toEqual({ rowsWritten: 0, rowsDeleted: 0 });
    expect(await rowsOf('SELECT count(*) FROM daily')).toEqual([[3]]);
  });

  it('leaves the old rows when the query fails at run time', async () => {
    await wh.execute(`INSERT INTO src VALUES ('b', 'not a number')`);
    await expect(wh.refresh({ table: target, query: QUERY, partitions: { ds: 'b' } })).rejects.toThrow(/Conversion Error/);
    expect(await rowsOf('SELECT * FROM daily ORDER BY ds')).toEqual([['a', 3], ['b', 10], ['c', 100]]);
  });

  it('leaves the old rows when the query names a missing column or partition key', async () => {
    await expect(wh.refresh({ table: target, query: 'SELECT ds, missing AS total FROM src', partitions: {} })).rejects.toThrow(/missing/);
    await expect(wh.refresh({ table: target, query: QUERY, partitions: { nope: 'b' } })).rejects.toBeInstanceOf(WarehouseError);
    expect(await rowsOf('SELECT * FROM daily ORDER BY ds')).toEqual([['a', 3], ['b', 10], ['c', 100]]);
  });

  it('cannot smuggle a second statement through the definition query', async () => {
    await expect(wh.refresh({ table: target, query: `${QUERY}) AS x; DROP TABLE src; --`, partitions: {} })).rejects.toBeInstanceOf(WarehouseError);
    expect(await rowsOf('SELECT count(*) FROM src')).toEqual([[4]]);
  });

  it('reports a missing target table', async () => {
    await expect(wh.refresh({ table: { ...target, table: 'gone' }, query: QUERY, partitions: {} })).rejects.toBeInstanceOf(TableNotFoundError);
  });

  it('keeps its threads fixed: a statement cannot change them (the configuration is locked)', async () => {
    const before = await rowsOf("SELECT current_setting('threads')");
    await expect(wh.execute('SET threads = 1')).rejects.toBeInstanceOf(StatementNotAllowedError);
    expect(await rowsOf("SELECT current_setting('threads')")).toEqual(before);
  });
});
