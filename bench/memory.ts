/**
 * Heap per idle active workflow at 100,000 workflows: the engine's live map, XState actor, timer and state, after
 * GC. Baselines from the same run: a root XState actor of the same machine alone, and a croner job (neither durable).
 * Run with --expose-gc (bench/run.ts re-executes itself with it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Cron } from 'croner';
import { createActor } from 'xstate';
import { createSqliteEventStore, type NewEvent } from '../src/events/index.ts';
import { WORKFLOW_EVENT_SCHEMA_VERSION, workflowIdOf, workflowMachine, workflowStreamName } from '../src/workflows/index.ts';
import { WorkflowEngine } from '../src/engine/index.ts';

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

async function seed(path: string, n: number): Promise<void> {
  const store = createSqliteEventStore({ path, durability: 'relaxed', checkIntegrity: false });
  const batch: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const name = `quartz_job_mem_${i}`;
    const id = workflowIdOf('default_group', name);
    const event: NewEvent = {
      type: 'WorkflowCreated',
      schemaVersion: WORKFLOW_EVENT_SCHEMA_VERSION,
      data: { workflowId: id, workflowName: name, workflowGroup: 'default_group', tableIdentifier: `\`freshet\`.\`default\`.\`mem_${i}\``, cronExpression: '0 0 3 * * ?', timeZone: 'Europe/Berlin', misfirePolicy: 'fire-all', catchUpWindowMs: 86_400_000, initConfig: {}, executionConfig: {}, dynamicOptions: {}, createdAt: Date.now() },
      metadata: { actor: 'bench', correlationId: crypto.randomUUID(), occurredAt: new Date().toISOString() },
    };
    batch.push(store.appendToStream(workflowStreamName(id), [event], { expectedVersion: 'no_stream' }));
    if (batch.length >= 5000) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  await store.close();
}

export async function runMemoryBench(n = 100_000): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-mem-'));
  const path = join(dir, 'events.sqlite');
  await seed(path, n);
  const store = createSqliteEventStore({ path, durability: 'relaxed', checkIntegrity: false });
  const before = heap();
  const engine = new WorkflowEngine({ store });
  await engine.start();
  const after = heap();
  const perWorkflow = (after - before) / n;
  if (engine.size !== n) throw new Error(`expected ${n} live workflows, got ${engine.size}`);
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const keep: unknown[] = [];
  const b0 = heap();
  for (let i = 0; i < n; i++) keep.push(createActor(workflowMachine, { input: { workflowId: `wf-${i}` } }).start());
  const actorOnly = (heap() - b0) / n;
  keep.length = 0;
  // croner keeps far more per job; 10,000 of them are enough for a per-job figure (100,000 exhaust the heap).
  const cronerJobs = Math.min(n, 10_000);
  const c0 = heap();
  const jobs: Cron[] = [];
  for (let i = 0; i < cronerJobs; i++) jobs.push(new Cron('0 0 3 * * *', { timezone: 'Europe/Berlin' }, () => undefined));
  const cronerJob = (heap() - c0) / cronerJobs;
  for (const j of jobs) j.stop();
  return { workflows: n, bytesPerIdleWorkflow: perWorkflow, bytesPerRootXStateActor: actorOnly, bytesPerCronerJob: cronerJob };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!(globalThis as { gc?: unknown }).gc) throw new Error('run with node --expose-gc --import tsx bench/memory.ts');
  const f = await runMemoryBench(Number(process.env.BENCH_WORKFLOWS ?? 100_000));
  console.log(`heap per idle active workflow at ${f.workflows!.toLocaleString('en-US')}: ${(f.bytesPerIdleWorkflow! / 1024).toFixed(2)} KB`);
  console.log(`  baseline: a root XState actor alone ${(f.bytesPerRootXStateActor! / 1024).toFixed(2)} KB, a croner job ${(f.bytesPerCronerJob! / 1024).toFixed(2)} KB (neither durable)`);
}
