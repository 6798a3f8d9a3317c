/**
 * What `refresh()` costs on top of DuckDB for a small partition: 1,000 source rows into one partition
 * of a 10-partition table, beside the same BEGIN / DELETE / INSERT / COMMIT sent straight to DuckDB on
 * a second file in the same run. Iterations alternate between the two so machine noise hits both.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbWarehouse, warehouseFile } from '../src/refresh/warehouse/index.ts';

const WARMUP = 20;
const ITERATIONS = 200;
const SOURCE = `CREATE TABLE src AS SELECT 'p' || (i % 10) AS ds, i AS v FROM range(10000) r(i)`;
const QUERY = 'SELECT ds, v * 2 AS v FROM src';

export async function runRefreshOverheadBench(): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'freshet-bench-refresh-'));
  const wh = createDuckDbWarehouse();
  const raw = await DuckDBInstance.create(join(dir, 'baseline.duckdb'));
  const connection = await raw.connect();
  try {
    await wh.open({ path: warehouseFile(dir) });
    await wh.execute(SOURCE);
    const table = { catalog: 'freshet', database: 'default', table: 't' };
    await wh.createTable(table, [{ name: 'ds', type: 'VARCHAR' }, { name: 'v', type: 'BIGINT' }], { partitionKeys: ['ds'] });
    await wh.refresh({ table, query: QUERY, partitions: {} });

    await connection.run(SOURCE);
    await connection.run('CREATE TABLE t (ds VARCHAR, v BIGINT)');
    await connection.run(`INSERT INTO t ${QUERY}`);

    const viaPort = async () => {
      await wh.refresh({ table, query: QUERY, partitions: { ds: 'p3' } });
    };
    const direct = async () => {
      await connection.run('BEGIN TRANSACTION');
      await connection.run('DELETE FROM t WHERE ds = $1', ['p3']);
      await connection.run(`INSERT INTO t SELECT * FROM (${QUERY}) WHERE ds = $1`, ['p3']);
      await connection.run('COMMIT');
    };

    const port: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      const a = await time(viaPort);
      const b = await time(direct);
      if (i >= WARMUP) {
        port.push(a);
        base.push(b);
      }
    }
    const figures = {
      refresh_median_ms: percentile(port, 50),
      refresh_p95_ms: percentile(port, 95),
      direct_median_ms: percentile(base, 50),
      direct_p95_ms: percentile(base, 95),
      median_ratio: percentile(port, 50) / percentile(base, 50),
      p95_ratio: percentile(port, 95) / percentile(base, 95),
      median_overhead_ms: percentile(port, 50) - percentile(base, 50),
      iterations: ITERATIONS,
    };
    return Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  } finally {
    connection.closeSync();
    raw.closeSync();
    await wh.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function time(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await runRefreshOverheadBench();
  for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(22)} ${value}`);
}
