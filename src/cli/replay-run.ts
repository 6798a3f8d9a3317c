import { existsSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { EventStore } from '../events/index.ts';
import { applyWorkflowEvent, diffProjections, type ProjectedWorkflow, rebuildWorkflows, sqliteProjectionPersistence } from '../projections/index.ts';
import { openEventStore, projectionsFile, storeKindOf } from '../runtime/index.ts';
import { CliError } from './client.ts';

export interface ReplayOptions {
  dataDir: string;
  store: string;
  verify?: boolean;
  json?: boolean;
}

export async function runReplay(o: ReplayOptions): Promise<void> {
  const path = projectionsFile(o.dataDir);
  if (o.verify && (storeKindOf(o.store) !== 'sqlite' || !existsSync(path))) {
    throw new CliError(`Nothing to verify against: freshet keeps a saved read model only for the SQLite store (${path} not found). Run freshet on this data directory first.`, 2);
  }
  const store = openEventStore(o.store, o.dataDir);
  try {
    // The saved model is read first, so the rebuild below reaches at least its checkpoint even while freshet runs.
    const saved = o.verify ? await loadSaved(path) : undefined;
    const head = await store.headPosition();
    const bar = process.stderr.isTTY && head > 50_000 ? new SingleBar({ format: 'replaying {bar} {percentage}% | {value}/{total} positions | ETA {eta}s' }) : undefined;
    bar?.start(head, 0);
    const t0 = performance.now();
    const rebuilt = await rebuildWorkflows(store, (position) => bar?.update(position));
    bar?.stop();
    const summary = { events: rebuilt.events, workflows: rebuilt.rows.size, position: rebuilt.position, seconds: Number(((performance.now() - t0) / 1000).toFixed(2)) };
    if (!saved) {
      process.stdout.write(o.json ? `${JSON.stringify(summary)}\n` : `Rebuilt ${summary.workflows} workflow(s) from ${summary.events} event(s) in ${summary.seconds}s.\n`);
      return;
    }
    // The saved model lags by at most its flush interval: catch it up from its checkpoint to exactly where the
    // rebuild stopped, so events written meanwhile by a running freshet are in neither or both.
    await catchUp(store, saved.rows, saved.position, rebuilt.position);
    const differences = diffProjections(saved.rows, rebuilt.rows);
    if (o.json) process.stdout.write(`${JSON.stringify({ ...summary, checkpoint: saved.position, differences })}\n`);
    else if (differences.length === 0) {
      process.stdout.write(`OK: the read model equals a rebuild from the log (${summary.workflows} workflow(s), ${summary.events} event(s), checkpoint ${saved.position}, ${summary.seconds}s).\n`);
    } else {
      process.stdout.write(`MISMATCH in ${differences.length} workflow(s):\n`);
      for (const d of differences.slice(0, 20)) process.stdout.write(`  ${d.workflowId}: live ${JSON.stringify(d.live)}\n    rebuilt ${JSON.stringify(d.rebuilt)}\n`);
    }
    if (differences.length > 0) process.exitCode = 1;
  } finally {
    await store.close();
  }
}

async function loadSaved(path: string): Promise<{ position: number; rows: Map<string, ProjectedWorkflow> }> {
  const persistence = sqliteProjectionPersistence(path);
  try {
    const loaded = await persistence.load();
    return { position: loaded.checkpoint.position, rows: loaded.rows };
  } finally {
    await persistence.close();
  }
}

async function catchUp(store: EventStore, rows: Map<string, ProjectedWorkflow>, from: number, to: number): Promise<void> {
  for (let after = from; after < to; ) {
    const page = await store.readAll({ after, maxCount: 5_000 });
    if (page.length === 0) return;
    for (const e of page) {
      if (e.position > to) return;
      applyWorkflowEvent(rows, e);
      after = e.position;
    }
  }
}
