import type { Command } from 'commander';
import { addStoreOptions } from './settings.ts';

export interface ArchiveCliOptions {
  dataDir: string;
  store: string;
  retention?: string;
  retentionFor?: string[];
  reason?: string;
  actor?: string;
  json?: boolean;
}

/**
 * `freshet archive`: one archive run on the store's files (SQLite), as serve --retention does on a timer. Safe
 * beside a running freshet on the same files: the HistoryArchived append takes the archive stream's expected
 * version, and removal only touches events the retention let go.
 */
export function registerArchive(program: Command): void {
  addStoreOptions(
    program
      .command('archive')
      .description('Move fire-level history older than the retention out of the event log into <data-dir>/archive (gzip\'d NDJSON), recorded as a HistoryArchived event')
      .option('--retention <duration>', 'keep fire-level events this long, e.g. 7d, 36h (commands are always kept)')
      .option('--retention-for <workflowId=duration...>', 'a workflow\'s own retention, e.g. orders-hourly=30d, or =off to keep all of its history; repeatable')
      .option('--actor <name>', 'who archives (recorded in the HistoryArchived event)', process.env.USER ?? 'cli')
      .option('--reason <text>', 'why (recorded in the HistoryArchived event)')
      .option('--json', 'print the outcome as JSON'),
  ).action(async (o: ArchiveCliOptions) => {
    const { runArchive } = await import('./archive-run.ts');
    await runArchive(o);
  });
}
