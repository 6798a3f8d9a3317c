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
import { WORKFLOW_EVENT_SCHEMA_VERSION, workflowIdOf, workflowStreamName } from '../src/workflows/index.ts';

const WORKFLOWS = Number(process.env.BENCH_WORKFLOWS ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const T0 = Date.parse('2026-01-01T00:00:00Z');
const meta = (at: number) => ({ actor: 'freshet-engine', correlationId: 'bench', occurredAt: new Date(at).toISOString() });

async function logOf(events: number): Promise<string> {
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
  await store.close();
  // A freshet ran on it and stopped: its read model holds the checkpoint.
  const first = await openFreshet({ dataDir: dir, timeZone: 'UTC' });
  await first.close();
  return dir;
}

async function coldStart(dir: string): Promise<number> {
  const t = performance.now();
  const runtime = await openFreshet({ dataDir: dir, timeZone: 'UTC' });
  const ms = performance.now() - t;
  if (runtime.scheduler.engine.size !== WORKFLOWS) throw new Error(`the engine runs ${runtime.scheduler.engine.size} workflows, not ${WORKFLOWS}`);
  await runtime.close();
  return ms;
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
console.log(`cold start, ${WORKFLOWS.toLocaleString()} live workflows, log of ${EVENTS.toLocaleString()} events: ${(at / 1000).toFixed(2)} s (goal ≤ 3 s) | the same workflows on a log of ${WORKFLOWS.toLocaleString()} events: ${(base / 1000).toFixed(2)} s (${(at / base).toFixed(2)}×) | the whole-log fold an engine start did before, alone: ${(fold / 1000).toFixed(2)} s`);
rmSync(small, { recursive: true, force: true });
rmSync(big, { recursive: true, force: true });
