/**
 * The operations of a table with 1,000,000 finished refreshes (BENCH_OPERATIONS), through the real server over HTTP:
 * the newest page, a page deep in by cursor and one operation by handle, beside `GET /v1/materialized-tables/:id`
 * (the table alone: the floor of any read through the same stack) in the same run, with the longest event-loop
 * stall meanwhile; and the start that folded those operations into the read model (once), then a restart from it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../src/api/index.ts';
import { createSqliteEventStore } from '../src/events/index.ts';
import { openFreshet } from '../src/runtime/index.ts';
import { writeOperations } from './support/operations.ts';

const N = Number(process.env.BENCH_OPERATIONS ?? 1_000_000);
const RUNS = 200;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;
const TABLE = '`freshet`.`default`.`orders_daily`';

const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-ops-'));
const setup = await openFreshet({ dataDir: dir, engine: 'deferred', timeZone: 'UTC' });
await setup.tables.executeStatement('CREATE TABLE orders (ds VARCHAR, amount INTEGER)');
await setup.tables.executeStatement(`CREATE MATERIALIZED TABLE orders_daily FRESHNESS = INTERVAL '1' MINUTE AS SELECT ds, sum(amount) AS amount FROM orders GROUP BY ds`);
const workflowId = (await setup.tables.getTable(TABLE)).workflow!.workflowId;
await setup.close();

const build = performance.now();
const store = createSqliteEventStore({ path: join(dir, 'events.sqlite'), durability: 'relaxed', checkIntegrity: false });
const handles = await writeOperations(store, N, (n) => ({ table: TABLE, workflowId, at: T0 + n * 60_000 }));
await store.close();
console.log(`wrote ${N.toLocaleString()} operations (${(3 * N).toLocaleString()} events) in ${((performance.now() - build) / 1000).toFixed(1)} s`);

let t = performance.now();
const folding = await openFreshet({ dataDir: dir, engine: 'deferred', timeZone: 'UTC' });
const foldMs = performance.now() - t;
await folding.close();
t = performance.now();
const runtime = await openFreshet({ dataDir: dir, engine: 'deferred', timeZone: 'UTC' });
const restartMs = performance.now() - t;
console.log(`start folding them into the refresh read model (once): ${(foldMs / 1000).toFixed(2)} s | the next start, from its checkpoint: ${(restartMs / 1000).toFixed(2)} s`);

const app = buildServer({ ...runtime, timeZone: runtime.config.timeZone });
const base = await app.listen({ host: '127.0.0.1', port: 0 });
let stall = 0;
let last = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  stall = Math.max(stall, now - last - 1);
  last = now;
}, 1);

async function timed(path: string, check: (body: { operations?: unknown[]; next?: number | null; total?: number }) => boolean): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const r = await fetch(base + path);
    const body = (await r.json()) as { operations?: unknown[]; next?: number | null; total?: number };
    out.push(performance.now() - started);
    if (r.status !== 200 || !check(body)) throw new Error(`${path} answered ${r.status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
  return out;
}

const id = encodeURIComponent(TABLE);
const one = await timed(`/v1/materialized-tables/${id}`, () => true);
const newest = await timed(`/v1/materialized-tables/${id}/operations?limit=100`, (b) => b.operations?.length === 100 && b.total === N);
// A cursor half-way down: the `next` of the page ending there.
const half = (await (await fetch(`${base}/v1/materialized-tables/${id}/operations?limit=${Math.min(1000, N >> 1)}`)).json()) as { next: number };
const deep = await timed(`/v1/materialized-tables/${id}/operations?limit=100&before=${half.next}`, (b) => b.operations?.length === 100);
const byHandle = await timed(`/v1/operations/${handles[N >> 1]}`, () => true);
clearInterval(ticker);
const vs = (xs: number[]) => `p99 ${ms(p(xs, 0.99))} (goal ≤ 20 ms) | GET /v1/materialized-tables/:id p99 ${ms(p(one, 0.99))} (${(p(xs, 0.99) / p(one, 0.99)).toFixed(1)}×)`;
console.log(`operations of a table with ${N.toLocaleString()}: newest 100: ${vs(newest)}`);
console.log(`  … 100 after a cursor deep in: ${vs(deep)}`);
console.log(`  … one by handle (ended, read from the model): ${vs(byHandle)}`);
console.log(`longest event-loop stall during the reads: ${ms(stall)} (goal: none over 50 ms)`);
await app.close();
await runtime.close();
rmSync(dir, { recursive: true, force: true });
