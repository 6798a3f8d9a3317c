import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { applyWorkflowEvent, diffProjections, rebuildWorkflows, sqliteProjectionPersistence } from '../projections/index.ts';
import { openEventStore, storeKindOf } from '../runtime/index.ts';
import { CliError } from './client.ts';
import { addStoreOptions } from './settings.ts';

/**
 * Rebuilds the WorkflowInfo read model from nothing but the log and, with --verify, compares it with the read model
 * freshet keeps (its saved rows and checkpoint, caught up to the head): any difference is a bug, exit code 1.
 */
export function registerReplay(program: Command): void {
  addStoreOptions(
    program
      .command('replay')
      .description('Rebuild the read model from the event log; --verify compares it with the live one')
      .option('--verify', 'compare with the read model freshet keeps; exit 1 on any difference')
      .option('--json', 'print the outcome as JSON'),
  ).action(async (o: { dataDir: string; store: string; verify?: boolean; json?: boolean }) => {
    const store = openEventStore(o.store, o.dataDir);
    try {
      const head = await store.headPosition();
      const bar = process.stderr.isTTY && head > 50_000 ? new SingleBar({ format: 'replaying {bar} {percentage}% | {value}/{total} positions | ETA {eta}s' }) : undefined;
      bar?.start(head, 0);
      const t0 = performance.now();
      const rebuilt = await rebuildWorkflows(store, (position) => bar?.update(position));
      bar?.stop();
      const seconds = (performance.now() - t0) / 1000;
      const summary = { events: rebuilt.events, workflows: rebuilt.rows.size, position: rebuilt.position, seconds: Number(seconds.toFixed(2)) };
      if (!o.verify) {
        process.stdout.write(o.json ? `${JSON.stringify(summary)}\n` : `Rebuilt ${summary.workflows} workflow(s) from ${summary.events} event(s) in ${summary.seconds}s.\n`);
        return;
      }
      const path = join(o.dataDir, 'projections.sqlite');
      if (storeKindOf(o.store) !== 'sqlite' || !existsSync(path)) {
        throw new CliError(`Nothing to verify against: freshet keeps a saved read model only for the SQLite store (${path} not found). Run freshet on this data directory first.`, 2);
      }
      const persistence = sqliteProjectionPersistence(path);
      const saved = await persistence.load();
      await persistence.close();
      // The saved model lags by at most its flush interval: catch it up from its own checkpoint, as freshet does at start.
      for (let after = saved.position; ; ) {
        const page = await store.readAll({ after, maxCount: 5_000 });
        for (const e of page) applyWorkflowEvent(saved.rows, e);
        if (page.length === 0) break;
        after = page[page.length - 1]!.position;
      }
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
  });
}
