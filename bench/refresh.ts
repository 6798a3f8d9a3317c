/**
 * (a) What a scheduled refresh costs end to end — trigger.fire → operation recorded FINISHED, through the manager,
 *     its event log and the warehouse port — beside the same BEGIN / DELETE / INSERT / COMMIT sent straight to DuckDB
 *     (a second file, same run, iterations interleaved). Memory store and durable SQLite store.
 * (b) Refreshes completed per second when 1,000 small tables are all due at the same second (the trigger fired for
 *     all of them at once), beside the same 1,000 DELETE+INSERT transactions sent straight to DuckDB one by one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createMemoryEventStore, createSqliteEventStore, type EventStore } from '../src/events/index.ts';
import { deferredRefreshTrigger, MaterializedTableManager } from '../src/refresh/manager/index.ts';
import { createDuckDbWarehouse, warehouseFile } from '../src/refresh/warehouse/index.ts';
import type { RefreshRequest } from '../src/engine/index.ts';
import { EmbeddedWorkflowScheduler } from '../src/workflow-scheduler/index.ts';

const WARMUP = 10;
const ITERATIONS = 100;
const TABLES = 1_000;
const SOURCE = `CREATE TABLE src AS SELECT strftime(DATE '2024-01-01' + (i % 10)::INTEGER, '%Y-%m-%d') AS ds, i AS v FROM range(10000) r(i)`;
const QUERY = 'SELECT ds, v * 2 AS v FROM src';

interface Rig {
  dir: string;
  manager: MaterializedTableManager;
  scheduler: EmbeddedWorkflowScheduler;
  fire(table: string, day: string): Promise<string>;
  close(): Promise<void>;
}

async function rig(kind: 'memory' | 'sqlite'): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'freshet-bench-mgr-'));
  const store: EventStore = kind === 'memory' ? createMemoryEventStore() : createSqliteEventStore({ path: join(dir, 'events.db') });
  const warehouse = createDuckDbWarehouse();
  await warehouse.open({ path: warehouseFile(dir) });
  const deferred = deferredRefreshTrigger();
  const scheduler = new EmbeddedWorkflowScheduler({ store, trigger: deferred.trigger, defaults: { timeZone: 'UTC' } });
  const manager = new MaterializedTableManager({ store, warehouse, scheduler, timeZone: 'UTC' });
  const trigger = manager.asRefreshTrigger();
  deferred.bind(trigger);
  await manager.start();
  await scheduler.open();
  return {
    dir,
    manager,
    scheduler,
    async fire(table, day) {
      const r = await trigger.fire(request(table, day));
      if (!r?.operationHandle) throw new Error('not submitted');
      return r.operationHandle;
    },
    async close() {
      await scheduler.close();
      await manager.stop();
      await warehouse.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const request = (table: string, day: string): RefreshRequest => ({
  workflowId: 'bench', workflowName: 'bench', workflowGroup: 'default_group', tableIdentifier: `\`freshet\`.\`default\`.\`${table}\``,
  scheduleTime: 0, scheduleTimeText: `${day} 00:00:00`, timeZone: 'UTC', dynamicOptions: {}, executionConfig: {}, initConfig: {}, manual: false,
});

async function overhead(kind: 'memory' | 'sqlite', direct: DuckDBConnection): Promise<Record<string, number>> {
  const r = await rig(kind);
  try {
    await r.manager.executeStatement(SOURCE);
    await r.manager.executeStatement(`CREATE MATERIALIZED TABLE t PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' DAY AS ${QUERY}`);
    const viaManager = async () => {
      const handle = await r.fire('t', '2024-01-05'); // partition 2024-01-04
      const done = await r.manager.waitForOperation(handle);
      if (done.status !== 'FINISHED') throw new Error(`refresh ended ${done.status}: ${done.error}`);
    };
    const straight = async () => {
      await direct.run('BEGIN TRANSACTION');
      await direct.run('DELETE FROM t WHERE ds = $1', ['2024-01-04']);
      await direct.run(`INSERT INTO t SELECT * FROM (${QUERY}) WHERE ds = $1`, ['2024-01-04']);
      await direct.run('COMMIT');
    };
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      const x = await time(viaManager);
      const y = await time(straight);
      if (i >= WARMUP) {
        a.push(x);
        b.push(y);
      }
    }
    const [am, ap, bm, bp] = [pct(a, 50), pct(a, 95), pct(b, 50), pct(b, 95)];
    return {
      [`${kind}_scheduled_median_ms`]: am,
      [`${kind}_scheduled_p95_ms`]: ap,
      [`${kind}_direct_median_ms`]: bm,
      [`${kind}_direct_p95_ms`]: bp,
      [`${kind}_median_overhead_ms`]: am - bm,
      [`${kind}_median_ratio`]: am / bm,
      [`${kind}_p95_ratio`]: ap / bp,
    };
  } finally {
    await r.close();
  }
}

async function manyTables(direct: DuckDBConnection): Promise<Record<string, number>> {
  const r = await rig('memory');
  try {
    await r.manager.executeStatement(`CREATE TABLE small AS SELECT strftime(DATE '2024-01-01' + (i % 2)::INTEGER, '%Y-%m-%d') AS ds, i AS v FROM range(20) r(i)`);
    const createStart = performance.now();
    for (let i = 0; i < TABLES; i++) {
      await r.manager.executeStatement(`CREATE MATERIALIZED TABLE m${i} PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' DAY AS SELECT ds, v + ${i} AS v FROM small`);
    }
    const createMs = performance.now() - createStart;
    const start = performance.now();
    const handles = await Promise.all(Array.from({ length: TABLES }, (_, i) => r.fire(`m${i}`, '2024-01-02')));
    const submittedMs = performance.now() - start;
    const ends = await Promise.all(handles.map((h) => r.manager.waitForOperation(h)));
    const ms = performance.now() - start;
    if (ends.some((e) => e.status !== 'FINISHED')) throw new Error('a refresh did not finish');

    await direct.run(`CREATE TABLE small AS SELECT strftime(DATE '2024-01-01' + (i % 2)::INTEGER, '%Y-%m-%d') AS ds, i AS v FROM range(20) r(i)`);
    for (let i = 0; i < TABLES; i++) await direct.run(`CREATE TABLE m${i} (ds VARCHAR, v BIGINT)`);
    const baseStart = performance.now();
    for (let i = 0; i < TABLES; i++) {
      await direct.run('BEGIN TRANSACTION');
      await direct.run(`DELETE FROM m${i} WHERE ds = $1`, ['2024-01-01']);
      await direct.run(`INSERT INTO m${i} SELECT * FROM (SELECT ds, v + ${i} AS v FROM small) WHERE ds = $1`, ['2024-01-01']);
      await direct.run('COMMIT');
    }
    const baseMs = performance.now() - baseStart;
    return {
      tables: TABLES,
      create_1000_tables_s: createMs / 1000,
      submit_all_ms: submittedMs,
      scheduled_refreshes_per_s: TABLES / (ms / 1000),
      direct_refreshes_per_s: TABLES / (baseMs / 1000),
      throughput_ratio: TABLES / (ms / 1000) / (TABLES / (baseMs / 1000)),
    };
  } finally {
    await r.close();
  }
}

export async function runRefreshBench(): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'freshet-bench-direct-'));
  const raw = await DuckDBInstance.create(join(dir, 'baseline.duckdb'));
  const direct = await raw.connect();
  try {
    await direct.run(SOURCE);
    await direct.run('CREATE TABLE t (ds VARCHAR, v BIGINT)');
    await direct.run(`INSERT INTO t ${QUERY}`);
    const figures = { ...(await overhead('memory', direct)), ...(await overhead('sqlite', direct)), ...(await manyTables(direct)) };
    return Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  } finally {
    direct.closeSync();
    raw.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

async function time(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

function pct(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const figures = await runRefreshBench();
  for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(30)} ${value}`);
  console.log(`${'bench_seconds'.padEnd(30)} ${Math.round((performance.now() - started) / 100) / 10}`);
}
