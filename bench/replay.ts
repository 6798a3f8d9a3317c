/**
 * Replay: rebuild the WorkflowInfo read model from 1,000,000 events in the SQLite store, beside a raw
 * better-sqlite3 scan of the same rows with JSON.parse of data and metadata (the floor any rebuild pays).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { createSqliteEventStore, type NewEvent } from '../src/events/index.ts';
import { WORKFLOW_EVENT_SCHEMA_VERSION, workflowIdOf, workflowStreamName } from '../src/workflows/index.ts';
import { rebuildWorkflows } from '../src/projections/index.ts';

const meta = () => ({ actor: 'freshet-engine', correlationId: crypto.randomUUID(), occurredAt: new Date().toISOString() });

/** A realistic history: each workflow is created, then fires (claim + outcome) on a per-minute cron. */
function historyOf(i: number, events: number): NewEvent[] {
  const name = `quartz_job_replay_${i}`;
  const id = workflowIdOf('default_group', name);
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const out: NewEvent[] = [
    {
      type: 'WorkflowCreated',
      schemaVersion: WORKFLOW_EVENT_SCHEMA_VERSION,
      data: { workflowId: id, workflowName: name, workflowGroup: 'default_group', tableIdentifier: `\`freshet\`.\`default\`.\`t${i}\``, cronExpression: '0 * * * * ?', timeZone: 'UTC', misfirePolicy: 'fire-all', catchUpWindowMs: 86_400_000, initConfig: {}, executionConfig: {}, dynamicOptions: {}, createdAt: t0 },
      metadata: meta(),
    },
  ];
  for (let k = 1; out.length < events; k++) {
    const t = t0 + k * 60_000;
    out.push({ type: 'FireClaimed', schemaVersion: 1, data: { nominalTime: t, claimedAt: t - 250, engineId: 'bench', manual: false }, metadata: meta() });
    if (out.length < events) out.push({ type: 'OccurrenceFired', schemaVersion: 1, data: { nominalTime: t, firedAt: t + 2, manual: false, recovered: false, operationHandle: crypto.randomUUID() }, metadata: meta() });
  }
  return out;
}

export async function runReplayBench(total = 1_000_000, perWorkflow = 100): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-replay-'));
  const path = join(dir, 'events.sqlite');
  const store = createSqliteEventStore({ path, durability: 'relaxed', checkIntegrity: false });
  const workflows = Math.ceil(total / perWorkflow);
  for (let i = 0; i < workflows; i += 500) {
    const batch: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(workflows, i + 500); j++) {
      const id = workflowIdOf('default_group', `quartz_job_replay_${j}`);
      batch.push(store.appendToStream(workflowStreamName(id), historyOf(j, perWorkflow), { expectedVersion: 'no_stream' }));
    }
    await Promise.all(batch);
  }

  await store.close();
  // Alternate the two, best of three each, after a warm-up: the first pass of either pays for JIT and page cache.
  const rebuild = async () => {
    const reader = createSqliteEventStore({ path, durability: 'relaxed', checkIntegrity: false });
    const t = performance.now();
    const rebuilt = await rebuildWorkflows(reader);
    const ms = performance.now() - t;
    await reader.close();
    return { ms, rebuilt };
  };
  const raw = () => {
    const db = new Database(path, { readonly: true });
    const t = performance.now();
    let rows = 0;
    for (const row of db.prepare('SELECT data, metadata FROM log ORDER BY position').iterate() as Iterable<{ data: string; metadata: string }>) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
      rows++;
    }
    const ms = performance.now() - t;
    db.close();
    return { ms, rows };
  };
  let freshetMs = Infinity;
  let rawMs = Infinity;
  let rows = 0;
  let rebuilt = { events: 0, rows: new Map() as Map<string, unknown> };
  for (let round = 0; round < 4; round++) {
    const f = await rebuild();
    const r = raw();
    if (round === 0) continue;
    freshetMs = Math.min(freshetMs, f.ms);
    rawMs = Math.min(rawMs, r.ms);
    rows = r.rows;
    rebuilt = f.rebuilt;
  }
  rmSync(dir, { recursive: true, force: true });
  if (rebuilt.events !== rows || rebuilt.rows.size !== workflows) throw new Error(`rebuilt ${rebuilt.events} events / ${rebuilt.rows.size} workflows, expected ${rows} / ${workflows}`);
  const freshetRate = rows / (freshetMs / 1000);
  const rawRate = rows / (rawMs / 1000);
  return { events: rows, workflows, rebuildEventsPerSec: freshetRate, rawScanRowsPerSec: rawRate, ratio: freshetRate / rawRate };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const f = await runReplayBench(Number(process.env.BENCH_EVENTS ?? 1_000_000));
  const r = (v: number | undefined) => `${Math.round(v ?? 0).toLocaleString('en-US')}/s`;
  console.log(`rebuild WorkflowInfo from ${f.events!.toLocaleString('en-US')} events: ${r(f.rebuildEventsPerSec)}`);
  console.log(`raw SQLite scan + JSON.parse of the same rows:      ${r(f.rawScanRowsPerSec)}  (rebuild is ${((f.ratio ?? 0) * 100).toFixed(0)}% of raw)`);
}
