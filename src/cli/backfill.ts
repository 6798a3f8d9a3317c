/** Backfills from the command line: plan (--dry-run) or run a range; follow their progress. */
import type { Command } from 'commander';
import { clientOf, usage } from './client.ts';
import { outputOf, print } from './output.ts';
import { renderRecords } from './render.ts';
import { instantArg } from './targets.ts';
import { timeView } from './times.ts';

interface Planned {
  partition: Record<string, string>;
  nominalTimes: number;
}
interface Backfill {
  id: string;
  table: string;
  from: string;
  to: string;
  status: string;
  partitions: number;
  done: number;
  failed: number;
  covered: number;
  requestedAt: string;
  requestedBy: string;
}

const partitionText = (p: Record<string, string>) => Object.entries(p).map(([k, v]) => `${k}=${v}`).join(',') || '(all)';
const REPROCESS = ['none', 'failed', 'all'];

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description("Refresh a table for a range of past nominal times: one refresh per distinct partition of [--from, --to)")
    .argument('<table>', 'a materialized table, e.g. daily_revenue')
    .requiredOption('--from <instant>', 'first nominal time included (ISO instant)')
    .requiredOption('--to <instant>', 'end of the range, excluded (ISO instant)')
    .option('--dry-run', 'only list the partitions it would refresh')
    .option('--reprocess <what>', 'none (only partitions never refreshed), failed (also those whose last refresh failed) or all', 'none')
    .option('--reason <text>', 'why (recorded in the log)')
    .option('--json', 'print JSON')
    .action(async (table: string, o: { from: string; to: string; dryRun?: boolean; reprocess: string; reason?: string; json?: boolean }, command: Command) => {
      if (!REPROCESS.includes(o.reprocess)) usage(`--reprocess '${o.reprocess}': use none, failed or all.`);
      const body = { from: instantArg('--from', o.from), to: instantArg('--to', o.to), reprocess: o.reprocess, ...(o.dryRun ? { dryRun: true } : {}), ...(o.reason ? { reason: o.reason } : {}) };
      const route = `/v1/materialized-tables/${encodeURIComponent(table)}/backfills`;
      if (o.dryRun) {
        const plan = await clientOf(command).call<{ table: string; partitions: Planned[]; covered: Planned[] }>('POST', route, body);
        print(command, o.json, plan, () => {
          const rows = plan.partitions.map((p) => ({ partition: partitionText(p.partition), 'nominal times': p.nominalTimes }));
          const listed = renderRecords(rows, ['partition', 'nominal times'], outputOf(command));
          return `${plan.table}: ${plan.partitions.length} refreshes${plan.covered.length ? ` (${plan.covered.length} partitions already covered; --reprocess all to include them)` : ''}\n${listed}`;
        });
        return;
      }
      const { backfill } = await clientOf(command).call<{ backfill: Backfill }>('POST', route, body);
      print(command, o.json, { backfill }, () => `backfill ${backfill.id} of ${backfill.table}: ${backfill.partitions} refreshes started; follow it with 'freshet backfills'`);
    });

  program
    .command('backfills')
    .description('Backfills and their progress, newest first')
    .argument('[table]', 'only this table')
    .option('--utc', 'show times in UTC instead of the local zone')
    .option('--json', 'print JSON')
    .action(async (table: string | undefined, o: { utc?: boolean; json?: boolean }, command: Command) => {
      const query = table ? `?table=${encodeURIComponent(table)}` : '';
      const doc = await clientOf(command).call<{ backfills: Backfill[] }>('GET', `/v1/backfills${query}`);
      const time = timeView(o.utc);
      print(command, o.json, doc, () =>
        renderRecords(
          doc.backfills.map((b) => ({ requested: time.cell(b.requestedAt), table: b.table, range: `${b.from} → ${b.to}`, status: b.status, progress: `${b.done + b.failed}/${b.partitions}`, failed: b.failed, by: b.requestedBy, id: b.id })),
          ['requested', 'table', 'range', 'status', 'progress', 'failed', 'by', 'id'],
          outputOf(command),
          { requested: time.head('requested') },
        ),
      );
    });
}
