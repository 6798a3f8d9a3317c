/**
 * List pages at 100,000 workflows (BENCH_WORKFLOWS), through the real server over HTTP: `GET /v1/workflows?limit=50`
 * (first page, a page deep in, a status filter) beside `GET /v1/workflows/:id` (one row: the floor of any read
 * through the same stack) in the same run, with the longest event-loop stall meanwhile. The workflows are written
 * to the log directly (the engine is not started: this measures reads alone).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../src/api/index.ts';
import { createSqliteEventStore, type NewEvent } from '../src/events/index.ts';
import { openFreshet } from '../src/runtime/index.ts';
import { WORKFLOW_EVENT_SCHEMA_VERSION, workflowIdOf, workflowStreamName } from '../src/workflows/index.ts';

const N = Number(process.env.BENCH_WORKFLOWS ?? 100_000);
const RUNS = 200;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-reads-'));
const store = createSqliteEventStore({ path: join(dir, 'events.sqlite'), durability: 'relaxed', checkIntegrity: false });
const ids: string[] = [];
const build = performance.now();
for (let k = 0; k < N; k += 1_000) {
  await Promise.all(
    Array.from({ length: Math.min(1_000, N - k) }, (_, j) => {
      const i = k + j;
      const name = `quartz_job_${i}`;
      const id = workflowIdOf('default_group', name);
      ids.push(id);
      const meta = { actor: 'bench', correlationId: `c${i}`, occurredAt: new Date(T0 + i).toISOString() };
      const created: NewEvent = {
        type: 'WorkflowCreated',
        schemaVersion: WORKFLOW_EVENT_SCHEMA_VERSION,
        data: { workflowId: id, workflowName: name, workflowGroup: 'default_group', tableIdentifier: `\`freshet\`.\`default\`.\`t${i}\``, cronExpression: '0 0/5 * * * ? *', timeZone: 'UTC', misfirePolicy: 'fire-all', catchUpWindowMs: 86_400_000, initConfig: {}, executionConfig: {}, dynamicOptions: {}, createdAt: T0 + i },
        metadata: meta,
      };
      const events = i % 10 === 0 ? [created, { type: 'WorkflowSuspended', schemaVersion: WORKFLOW_EVENT_SCHEMA_VERSION, data: { at: T0 + i + 1 }, metadata: meta }] : [created];
      return store.appendToStream(workflowStreamName(id), events, { expectedVersion: 'no_stream' });
    }),
  );
}
await store.close();
console.log(`wrote ${N.toLocaleString()} workflows in ${((performance.now() - build) / 1000).toFixed(1)} s`);

const runtime = await openFreshet({ dataDir: dir, engine: 'deferred' });
const app = buildServer({ ...runtime, timeZone: runtime.config.timeZone });
const base = await app.listen({ host: '127.0.0.1', port: 0 });
let stall = 0;
let last = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  stall = Math.max(stall, now - last - 1);
  last = now;
}, 1);

async function timed(path: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = await fetch(base + path);
    const body = (await r.json()) as { items?: unknown[]; total?: number };
    out.push(performance.now() - t);
    if (r.status !== 200 || (body.items !== undefined && body.items.length !== 50)) throw new Error(`${path} answered ${r.status}`);
  }
  return out;
}

const one = await timed(`/v1/workflows/${ids[N >> 1]}`);
const first = await timed('/v1/workflows?limit=50');
const deep = await timed(`/v1/workflows?limit=50&offset=${N >> 1}`);
const suspended = await timed('/v1/workflows?limit=50&status=SUSPENDED');
clearInterval(ticker);
const vs = (xs: number[]) => `p99 ${ms(p(xs, 0.99))} (goal ≤ 20 ms) | GET /v1/workflows/:id p99 ${ms(p(one, 0.99))} (${(p(xs, 0.99) / p(one, 0.99)).toFixed(1)}×)`;
console.log(`GET /v1/workflows?limit=50 at ${N.toLocaleString()} workflows: ${vs(first)}`);
console.log(`  … offset ${(N >> 1).toLocaleString()}: ${vs(deep)}`);
console.log(`  … status=SUSPENDED: ${vs(suspended)}`);
console.log(`longest event-loop stall during the reads: ${ms(stall)} (goal: none over 50 ms)`);
await app.close();
await runtime.close();
rmSync(dir, { recursive: true, force: true });
