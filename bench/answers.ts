/**
 * The operator's answers on a workflow with 1,000,000 occurrences (a per-second cron over ~11.6 days), read from the
 * indexed ledger: pages of the ledger and of the history, newest and deep, and `explain` at an instant, beside the raw
 * read of the stream's newest 200 events (the floor any read pays), with the event loop's delay meanwhile; and a backfill planned over 1,000,000 nominal times beside enumerating them with the cron
 * engine alone. BENCH_OCCURRENCES sets the size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteEventStore, type NewEvent } from '../src/events/index.ts';
import { sqliteProjectionPersistence, WorkflowProjection } from '../src/projections/index.ts';
import { partitionRuleOf, planBackfill, type MaterializedTableDefinition } from '../src/refresh/index.ts';
import { WorkflowQueries } from '../src/workflow-scheduler/index.ts';
import { scheduleOf, WORKFLOW_EVENT_SCHEMA_VERSION, workflowIdOf, workflowStreamName } from '../src/workflows/index.ts';

const N = Number(process.env.BENCH_OCCURRENCES ?? 1_000_000);
const T0 = Date.parse('2026-01-01T00:00:00Z');
const meta = { actor: 'freshet-engine', correlationId: 'bench', occurredAt: new Date(T0).toISOString() };

const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function timed(runs: number, f: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-answers-'));
const store = createSqliteEventStore({ path: join(dir, 'events.sqlite'), durability: 'relaxed', checkIntegrity: false });
const id = workflowIdOf('default_group', 'quartz_job_answers');
const stream = workflowStreamName(id);
const created: NewEvent = {
  type: 'WorkflowCreated',
  schemaVersion: WORKFLOW_EVENT_SCHEMA_VERSION,
  data: { workflowId: id, workflowName: 'quartz_job_answers', workflowGroup: 'default_group', tableIdentifier: '`freshet`.`default`.`t`', cronExpression: '* * * * * ? *', timeZone: 'UTC', misfirePolicy: 'fire-all', catchUpWindowMs: 86_400_000, initConfig: {}, executionConfig: {}, dynamicOptions: {}, createdAt: T0 },
  metadata: meta,
};
let version = (await store.appendToStream(stream, [created], { expectedVersion: 'no_stream' })).nextExpectedVersion;
const build = performance.now();
for (let k = 1; k <= N; k += 10_000) {
  const batch: NewEvent[] = [];
  for (let j = k; j < Math.min(N + 1, k + 10_000); j++) {
    const t = T0 + j * 1000;
    batch.push({ type: 'OccurrenceFired', schemaVersion: 1, data: { nominalTime: t, firedAt: t + 2, manual: false, recovered: false }, metadata: { ...meta, occurredAt: new Date(t + 2).toISOString() } });
  }
  version = (await store.appendToStream(stream, batch, { expectedVersion: version })).nextExpectedVersion;
}
const end = T0 + N * 1000;
console.log(`built ${N.toLocaleString()} occurrences in ${((performance.now() - build) / 1000).toFixed(1)} s`);

// The read model of a freshet that ran through all of it: the indexed ledger is built once, from the log.
const persistence = sqliteProjectionPersistence(join(dir, 'projections.sqlite'));
const projection = new WorkflowProjection(store, persistence);
const indexing = performance.now();
await projection.start();
console.log(`indexed ledger built from the log in ${((performance.now() - indexing) / 1000).toFixed(1)} s (once: a running freshet keeps it as it goes)`);
const queries = new WorkflowQueries(store, projection);
const floor = await timed(20, () => store.readStream(stream, { direction: 'backwards', maxCount: 200 }));
// Warmed up first (JIT, the catch-up's last save): the figures are of a freshet that has been answering.
for (let i = 0; i < 20; i++) await queries.ledgerPage(id, { order: 'newest', limit: 100, from: end - 86_400_000, to: end });
let stall = 0;
let tick = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  stall = Math.max(stall, now - tick - 1);
  tick = now;
}, 1);
// As GET /v1/workflows/:id/occurrences?limit=100 answers: the day before `to`, newest first; then a page deep in it.
const newest = { order: 'newest', limit: 100, from: end - 86_400_000, to: end } as const;
const ledger = await timed(200, () => queries.ledgerPage(id, newest));
const check = await queries.ledgerPage(id, newest);
if (check.items.length !== 100 || check.items[0]!.nominalTime !== new Date(end).toISOString() || check.older === null) throw new Error('the ledger answered wrong');
const deep = await timed(200, () => queries.ledgerPage(id, { order: 'newest', limit: 100, from: T0, to: end, before: T0 + 1000 * Math.floor(N / 3) }));
const explain = await timed(200, () => queries.explain(id, end - 3_600_000));
const why = await queries.explain(id, end - 3_600_000);
if (!why.nominal || why.outcome?.outcome !== 'fired') throw new Error('explain answered wrong');
const history = await timed(200, () => queries.historyPage(id, { order: 'newest', limit: 100 }));
const historyDeep = await timed(200, () => queries.historyPage(id, { order: 'newest', limit: 100, before: Math.floor(N / 3) }));
clearInterval(ticker);
const vs = (xs: number[]) => `p99 ${ms(p(xs, 0.99))} (goal ≤ 20 ms) | raw read of the newest 200 events: p99 ${ms(p(floor, 0.99))} (${(p(xs, 0.99) / p(floor, 0.99)).toFixed(1)}×)`;
console.log(`ledger newest 100 of ${N.toLocaleString()}: ${vs(ledger)}`);
console.log(`ledger page of 100 a third of the way in: ${vs(deep)}`);
console.log(`history newest 100 events: ${vs(history)}`);
console.log(`history page of 100 a third of the way in: ${vs(historyDeep)}`);
console.log(`explain an instant an hour before the end: p99 ${ms(p(explain, 0.99))} (goal ≤ 50 ms) | raw read: p99 ${ms(p(floor, 0.99))} (${(p(explain, 0.99) / p(floor, 0.99)).toFixed(1)}×)`);
console.log(`longest event-loop stall during those reads: ${ms(stall)} (goal: none over 50 ms)`);
await projection.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });

// Backfill planning: a daily table refreshed every second, 1,000,000 nominal times.
const definition: MaterializedTableDefinition = {
  identifier: '`freshet`.`default`.`daily`', catalog: 'freshet', database: 'default', table: 'daily', query: 'SELECT 1', statement: '', comment: null,
  freshness: { interval: 1, unit: 'SECOND' }, cronExpression: '* * * * * ? *', refreshMode: 'FULL', partitionKeys: ['ds'],
  options: { 'partition.fields.ds.date-formatter': 'yyyy-MM-dd' }, columns: [{ name: 'ds', type: 'VARCHAR' }], timeZone: 'Europe/Berlin',
};
const schedule = scheduleOf('* * * * * ? *', 'Europe/Berlin');
const rule = partitionRuleOf(definition, 'Europe/Berlin');
const to = T0 + 1_000_000 * 1000;
const enumerate = await timed(3, async () => {
  let n = 0;
  for (let t = schedule.nextAfter(T0 - 1); t !== null && t < to; t = schedule.nextAfter(t)) n++;
  return n;
});
let partitions = 0;
const plan = await timed(3, async () => {
  partitions = planBackfill({ schedule, from: T0, to, partitionOf: rule.partitionOf, bucketOf: rule.bucketOf, maxNominalTimes: 4_000_000 }).length;
});
console.log(`backfill plan over 1,000,000 nominal times → ${partitions} partitions: best ${ms(Math.min(...plan))} (goal ≤ 2 s) | enumerating them with the cron engine alone: ${ms(Math.min(...enumerate))} (${(Math.min(...plan) / Math.min(...enumerate)).toFixed(2)}×)`);
