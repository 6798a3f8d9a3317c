/** `freshet describe`: one page an operator reads first — status and why, schedule, lag, next fires, last outcomes. */
import type { Command } from 'commander';
import { clientOf } from './client.ts';
import { outputOf, print } from './output.ts';
import { renderRecords } from './render.ts';
import { WORKFLOW_ID } from './targets.ts';
import { timeView } from './times.ts';

interface Workflow {
  workflowId: string;
  materializedTableIdentifier: string;
  status: string;
  cronExpression: string;
  cronDialect: string;
  timeZone: string;
  misfirePolicy: string;
  suspendReason: string | null;
  suspendedBy: string | null;
  suspendedUntil: string | null;
}
interface Table {
  definition: { identifier: string; freshness: { interval: number; unit: string } };
  status: string;
  suspendReason: string | null;
  suspendedBy: string | null;
  workflow: Workflow | null;
  lag: { dataTime: string | null; stalenessMs: number | null; behind: boolean };
}
interface Occurrence {
  nominalTime: string;
  outcome: string;
  reason: string | null;
  rowsWritten: number | null;
  durationMs: number | null;
  error: string | null;
}

export function registerDescribe(program: Command): void {
  program
    .command('describe')
    .description('A table or workflow at a glance: status and reason, schedule, freshness and lag, next 5 fires, last 10 outcomes, last failure')
    .argument('<target>', 'a table (e.g. daily_revenue) or a workflowId')
    .option('--utc', 'show times in UTC instead of the local zone')
    .option('--json', 'print JSON')
    .action(async (target: string, o: { utc?: boolean; json?: boolean }, command: Command) => {
      const client = clientOf(command);
      const table = WORKFLOW_ID.test(target) ? null : await client.call<Table>('GET', `/v1/materialized-tables/${encodeURIComponent(target)}`);
      const workflow = table ? table.workflow : await client.call<Workflow>('GET', `/v1/workflows/${target}`);
      const next = workflow
        ? (await client.call<{ fireTimes: string[] }>('GET', `/v1/cron/preview?${new URLSearchParams({ expression: workflow.cronExpression, dialect: workflow.cronDialect, timeZone: workflow.timeZone, count: '5' })}`)).fireTimes
        : [];
      const ledger = workflow ? (await client.call<{ occurrences: Occurrence[] }>('GET', `/v1/workflows/${workflow.workflowId}/occurrences?limit=10`)).occurrences : [];
      const failure = workflow ? ((await client.call<{ occurrences: Occurrence[] }>('GET', `/v1/workflows/${workflow.workflowId}/occurrences?limit=1&outcome=failed`)).occurrences[0] ?? null) : null;
      const doc = { table, workflow, nextFireTimes: next, lastOutcomes: ledger, lastFailure: failure };
      const time = timeView(o.utc);
      print(command, o.json, doc, () => {
        const status = table?.status ?? workflow?.status ?? '';
        const reason = table?.suspendReason ?? workflow?.suspendReason;
        const by = table?.suspendedBy ?? workflow?.suspendedBy;
        const lines = [`${table?.definition.identifier ?? workflow?.materializedTableIdentifier}  ${status}${reason ? ` — ${reason}${by ? ` (by ${by})` : ''}` : ''}`];
        if (workflow?.suspendedUntil) lines.push(`paused until ${time.cell(workflow.suspendedUntil)} (${time.zone})`);
        if (workflow) lines.push(`schedule   ${workflow.cronExpression} (${workflow.cronDialect} cron) in ${workflow.timeZone}, misfire policy ${workflow.misfirePolicy}; workflow ${workflow.workflowId}`);
        if (table) {
          const f = table.definition.freshness;
          const lag = table.lag.stalenessMs === null ? 'never refreshed' : `data from ${time.cell(table.lag.dataTime)} (${Math.round(table.lag.stalenessMs / 1000)} s old)`;
          lines.push(`freshness  ${f.interval} ${f.unit}; ${lag}${table.lag.behind ? ' — BEHIND its freshness' : ''}`);
        }
        lines.push(`next fires (${time.zone})  ${next.map((t) => time.cell(t)).join(', ') || '(none)'}`);
        const rows = ledger.map((x) => ({ time: time.cell(x.nominalTime), outcome: x.outcome, why: x.reason ?? '', rows: x.rowsWritten ?? '', duration: x.durationMs === null ? '' : `${x.durationMs} ms`, error: x.error ?? '' }));
        lines.push('last outcomes:', renderRecords(rows, ['time', 'outcome', 'why', 'rows', 'duration', 'error'], outputOf(command), { time: time.head('time') }));
        lines.push(`last failure: ${failure ? `${time.cell(failure.nominalTime)}: ${failure.error}` : '(none)'}`);
        return lines.join('\n');
      });
    });
}
