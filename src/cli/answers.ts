/** The operator's questions without curl: explain (why did or didn't it fire), ledger, history. */
import type { Command } from 'commander';
import { clientOf, usage } from './client.ts';
import { outputOf, print } from './output.ts';
import { renderRecords } from './render.ts';
import { instantArg, workflowOf } from './targets.ts';
import { timeView } from './times.ts';

const OUTCOMES = ['succeeded', 'failed', 'skipped', 'cancelled', 'running', 'claimed', 'fired'];

interface Occurrence {
  nominalTime: string;
  outcome: string;
  reason: string | null;
  partition: Record<string, string> | null;
  rowsWritten: number | null;
  durationMs: number | null;
  attempts: number;
  error: string | null;
  manual: boolean;
  yieldedTo: string | null;
}
interface Explanation {
  at: string;
  nominal: boolean;
  schedule: { cronExpression: string; timeZone: string; since: string; by: string } | null;
  outcome: Occurrence | null;
  reasons: string[];
}

/** --limit as the ledger and history routes take it. */
function limitArg(value: string): void {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 10_000) usage(`--limit '${value}': a whole number from 1 to 10000.`);
}

const partitionText = (p: Record<string, string> | null) => (p ? Object.entries(p).map(([k, v]) => `${k}=${v}`).join(',') : '');

export function registerAnswers(program: Command): void {
  program
    .command('explain')
    .description("Why did (or didn't) a workflow fire at an instant: the schedule then, the outcome, the chain of reasons")
    .argument('<target>', 'a table (e.g. daily_revenue) or a workflowId')
    .requiredOption('--at <instant>', 'ISO instant, e.g. 2026-12-02T03:00:00Z')
    .option('--json', 'print JSON')
    .action(async (target: string, o: { at: string; json?: boolean }, command: Command) => {
      const at = instantArg('--at', o.at);
      const id = await workflowOf(command, target);
      const doc = await clientOf(command).call<Explanation>('GET', `/v1/workflows/${id}/explain?at=${encodeURIComponent(at)}`);
      print(command, o.json, doc, () => {
        const head = `${doc.at}: ${doc.nominal ? 'a fire time' : 'not a fire time'}${doc.outcome ? `, ${doc.outcome.outcome}${doc.outcome.reason ? ` (${doc.outcome.reason})` : ''}` : ''}`;
        return [head, ...doc.reasons.map((r) => `  - ${r}`)].join('\n');
      });
    });

  program
    .command('ledger')
    .description('Every nominal fire time of a workflow and how it ended, newest first')
    .argument('<target>', 'a table or a workflowId')
    .option('--from <instant>', 'ISO instant, inclusive (default: 24 h before --to)')
    .option('--to <instant>', 'ISO instant, inclusive (default: now)')
    .option('--outcome <outcome>', OUTCOMES.join(', '))
    .option('--limit <n>', 'at most this many', '20')
    .option('--utc', 'show times in UTC instead of the local zone')
    .option('--json', 'print JSON')
    .action(async (target: string, o: { from?: string; to?: string; outcome?: string; limit: string; utc?: boolean; json?: boolean }, command: Command) => {
      if (o.outcome !== undefined && !OUTCOMES.includes(o.outcome)) usage(`--outcome '${o.outcome}': use one of ${OUTCOMES.join(', ')}.`);
      limitArg(o.limit);
      const query = new URLSearchParams({ limit: o.limit });
      if (o.from !== undefined) query.set('from', instantArg('--from', o.from));
      if (o.to !== undefined) query.set('to', instantArg('--to', o.to));
      if (o.outcome !== undefined) query.set('outcome', o.outcome);
      const id = await workflowOf(command, target);
      const doc = await clientOf(command).call<{ occurrences: Occurrence[]; page: { more: boolean } }>('GET', `/v1/workflows/${id}/occurrences?${query}`);
      const time = timeView(o.utc);
      print(command, o.json, doc, () => {
        const rows = doc.occurrences.map((x) => ({
          time: time.cell(x.nominalTime),
          outcome: x.manual ? `${x.outcome} (manual)` : x.outcome,
          why: x.reason ?? '',
          partition: partitionText(x.partition),
          rows: x.rowsWritten ?? '',
          duration: x.durationMs === null ? '' : `${x.durationMs} ms`,
          error: x.error ?? '',
        }));
        const listed = renderRecords(rows, ['time', 'outcome', 'why', 'partition', 'rows', 'duration', 'error'], outputOf(command), { time: time.head('time') });
        return doc.page.more ? `${listed}\n(more: raise --limit or narrow --from/--to)` : listed;
      });
    });

  program
    .command('history')
    .description('The audit history of a workflow: every change, who made it and why, newest first')
    .argument('<target>', 'a table or a workflowId')
    .option('--limit <n>', 'at most this many', '50')
    .option('--utc', 'show times in UTC instead of the local zone')
    .option('--json', 'print JSON')
    .action(async (target: string, o: { limit: string; utc?: boolean; json?: boolean }, command: Command) => {
      limitArg(o.limit);
      const id = await workflowOf(command, target);
      const doc = await clientOf(command).call<{ events: { version: number; type: string; actor: string; reason: string | null; occurredAt: string }[] }>('GET', `/v1/workflows/${id}/history?limit=${o.limit}`);
      const time = timeView(o.utc);
      print(command, o.json, doc, () =>
        renderRecords(
          doc.events.map((e) => ({ time: time.cell(e.occurredAt), version: e.version, event: e.type, actor: e.actor, reason: e.reason ?? '' })),
          ['time', 'version', 'event', 'actor', 'reason'],
          outputOf(command),
          { time: time.head('time') },
        ),
      );
    });
}
