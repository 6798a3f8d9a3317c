/**
 * Cold start with 10,000 live workflows (BENCH_WORKFLOWS) on a log of 1,000,000 events (BENCH_EVENTS): the time
 * `openFreshet` takes until its engine runs every workflow, beside the same start on a log holding the workflows'
 * creations alone, in the same run. The log is written directly (per-minute fires of the workflows, each event as the
 * engine writes it), then opened once so the read model holds its checkpoint, as a freshet that stopped would leave it.
 * The engine's timers are not what is measured: the workflows' cron is yearly, so nothing fires during the bench.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteEventStore, type NewEvent } from '../src/events/index.ts';
import { loadAllWorkflows } from '../src/engine/load-all.ts';
import { openFreshet } from '../src/runtime/index.ts';
import { writeOperations } from './support/operations.ts';
import { WORKFLOW_EVENT_SCHEMA_VERSION, workflowIdOf, workflowStreamName } from '../src/workflows/index.ts';

const WORKFLOWS = Number(process.env.BENCH_WORKFLOWS ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
/** Finished refresh operations in the third log (each three events, as the manager writes a refresh that succeeds). */
const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 1_000_000);
const T0 = Date.parse('2026-01-01T00:00:00Z');
const meta = (at: number) => ({ actor: 'freshet-engine', correlationId: 'bench', occurredAt: new Date(at).toISOString() });

async function logOf(events: number, operations = 0): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-start-'));
  const store = createSqliteEventStore({ path: join(dir, 'events.sqlite'), durability: 'relaxed', checkIntegrity: false });
  const ids = Array.from({ length: WORKFLOWS }, (_, i) => workflowIdOf('default_group', `quartz_job_${i}`));
  const versions = new Map<string, number>();
  await Promise.all(
    ids.map(async (id, i) => {
      const created: NewEvent = {
        type: 'WorkflowCreated',
        schemaVersion: WORKFLOW_EVENT_SCHEMA_VERSION,
        data: { workflowId: id, workflowName: `quartz_job_${i}`, workflowGroup: 'default_group', tableIdentifier: `\`freshet\`.\`default\`.\`t${i}\``, cronExpression: '0 0 0 1 1 ? *', timeZone: 'UTC', misfirePolicy: 'fire-all', catchUpWindowMs: 86_400_000, initConfig: {}, executionConfig: {}, dynamicOptions: {}, createdAt: T0 },
        metadata: meta(T0),
      };
      versions.set(id, (await store.appendToStream(workflowStreamName(id), [created], { expectedVersion: 'no_stream' })).nextExpectedVersion);
    }),
  );
  // Past fires (each a manual fire's claim and outcome, so the schedule's cursor is untouched) spread over the workflows.
  for (let written = WORKFLOWS, minute = 1; written < events; minute++) {
    const batch = ids.slice(0, Math.min(WORKFLOWS, Math.ceil((events - written) / 2)));
    await Promise.all(
      batch.map(async (id) => {
        const t = T0 + minute * 60_000;
        const evs: NewEvent[] = [
          { type: 'FireClaimed', schemaVersion: 1, data: { nominalTime: t, claimedAt: t, engineId: 'bench', manual: true }, metadata: meta(t) },
          { type: 'OccurrenceFired', schemaVersion: 1, data: { nominalTime: t, firedAt: t + 3, manual: true, recovered: false }, metadata: meta(t + 3) },
        ];
        versions.set(id, (await store.appendToStream(workflowStreamName(id), evs, { expectedVersion: versions.get(id)! })).nextExpectedVersion);
      }),
    );
    written += batch.length * 2;
  }
  await writeOperations(store, operations, (n) => ({ table: `\`freshet\`.\`default\`.\`t${n % 1000}\``, workflowId: workflowIdOf('default_group', `quartz_job_${n % 1000}`), at: T0 + n * 60 }));
  await store.close();
  // A freshet ran on it and stopped: its read model holds the checkpoint. (This first start folds what no read model
  // held yet, once: what an upgrade from a freshet without read models pays.)
  const t = performance.now();
  const first = await openFreshet({ dataDir: dir, timeZone: 'UTC' });
  firstOpenMs.set(dir, performance.now() - t);
  await first.close();
  return dir;
}

const firstOpenMs = new Map<string, number>();

async function coldStart(dir: string): Promise<number> {
  const t = performance.now();
  const runtime = await openFreshet({ dataDir: dir, timeZone: 'UTC' });
  const ms = performance.now() - t;
  if (runtime.scheduler.engine.size !== WORKFLOWS) throw new Error(`the engine runs ${runtime.scheduler.engine.size} workflows, not ${WORKFLOWS}`);
  await runtime.close();
  return ms;
}

/** A cold start in a process of its own, so its RSS is its own: answers the time and the peak RSS. */
async function coldStartAlone(dir: string): Promise<{ ms: number; rssMb: number }> {
  const { execFileSync } = await import('node:child_process');
  const script = `const { openFreshet } = await import(${JSON.stringify(new URL('../src/runtime/index.ts', import.meta.url).href)});
const t = performance.now(); const r = await openFreshet({ dataDir: ${JSON.stringify(dir)}, timeZone: 'UTC' }); const ms = performance.now() - t;
const rss = process.resourceUsage().maxRSS / 1024; await r.close(); console.log(JSON.stringify({ ms, rssMb: rss }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { ms: number; rssMb: number };
}

const small = await logOf(WORKFLOWS);
const big = await logOf(EVENTS);
const best = async (dir: string) => Math.min(await coldStart(dir), await coldStart(dir), await coldStart(dir));
const base = await best(small);
const at = await best(big);
// What an engine paid before it started from the read model: a fold of every workflow event in the log.
const store = createSqliteEventStore({ path: join(big, 'events.sqlite'), durability: 'relaxed', checkIntegrity: false });
const foldStart = performance.now();
await loadAllWorkflows(store);
const fold = performance.now() - foldStart;
await store.close();
const withOps = await logOf(WORKFLOWS, OPERATIONS);
const opsAlone = [await coldStartAlone(withOps), await coldStartAlone(withOps), await coldStartAlone(withOps)].sort((a, b) => a.ms - b.ms)[0]!;
const baseAlone = [await coldStartAlone(small), await coldStartAlone(small), await coldStartAlone(small)].sort((a, b) => a.ms - b.ms)[0]!;
console.log(
  `cold start, ${WORKFLOWS.toLocaleString()} live workflows and ${OPERATIONS.toLocaleString()} finished refresh operations (${(OPERATIONS * 3).toLocaleString()} events): ${(opsAlone.ms / 1000).toFixed(2)} s (goal ≤ 3 s), peak RSS ${opsAlone.rssMb.toFixed(0)} MB (goal ≤ 400 MB) | ` +
    `the same start on the workflows' creations alone: ${(baseAlone.ms / 1000).toFixed(2)} s, ${baseAlone.rssMb.toFixed(0)} MB (${(opsAlone.ms / baseAlone.ms).toFixed(2)}×) | ` +
    `the first start, folding the operations into its read model once: ${(firstOpenMs.get(withOps)! / 1000).toFixed(1)} s`,
);
rmSync(withOps, { recursive: true, force: true });
console.log(`cold start, ${WORKFLOWS.toLocaleString()} live workflows, log of ${EVENTS.toLocaleString()} events: ${(at / 1000).toFixed(2)} s (goal ≤ 3 s) | the same workflows on a log of ${WORKFLOWS.toLocaleString()} events: ${(base / 1000).toFixed(2)} s (${(at / base).toFixed(2)}×) | the whole-log fold an engine start did before, alone: ${(fold / 1000).toFixed(2)} s`);
rmSync(small, { recursive: true, force: true });
rmSync(big, { recursive: true, force: true });
