/** The daily verbs without curl: trigger, refresh, ops, suspend and resume. Each prints a line, or JSON with --json. */
import type { Command } from 'commander';
import { clientOf, usage } from './client.ts';
import { outputOf, print } from './output.ts';
import { renderRecords } from './render.ts';
import { instantArg, WORKFLOW_ID } from './targets.ts';
import { timeView } from './times.ts';

type Operation = {
  operationHandle: string; status: string; kind: string; scheduleTime: string | null; partitions: Record<string, string>;
  submittedAt: string; durationMs: number | null; rowsWritten: number | null; error: string | null; attempt: number;
};

/** Workflow ids are UUID-shaped (a hash of group and name); anything else names a table. */
const path = (s: string) => encodeURIComponent(s);

function partitionsOf(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) usage(`--partition '${pair}': write key=value, e.g. --partition ds=2026-03-02.`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

export function registerVerbs(program: Command): void {
  program
    .command('trigger')
    .description('Fire a workflow once now, outside its schedule')
    .argument('<workflow>', 'workflowId (see `freshet workflows`)')
    .option('--reason <text>', 'why (recorded in the log)')
    .option('--json', 'print JSON')
    .action(async (workflow: string, o: { reason?: string; json?: boolean }, command: Command) => {
      const w = await clientOf(command).call<{ materializedTableIdentifier: string }>('POST', `/v1/workflows/${path(workflow)}/trigger`, o.reason ? { reason: o.reason } : {});
      print(command, o.json, w, () => `triggered ${workflow} (${w.materializedTableIdentifier}): it fires once now`);
    });

  program
    .command('refresh')
    .description('Refresh a materialized table now, whole or some partitions; prints the operation to follow with `ops`')
    .argument('<table>', 'e.g. daily_revenue or freshet.default.daily_revenue')
    .option('--partition <key=value>', 'a partition to refresh (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--reason <text>', 'why (recorded in the log)')
    .option('--json', 'print JSON')
    .action(async (table: string, o: { partition?: string[]; reason?: string; json?: boolean }, command: Command) => {
      const partitions = partitionsOf(o.partition ?? []);
      const body = { ...(o.reason ? { reason: o.reason } : {}), ...(o.partition ? { partitions } : {}) };
      const r = await clientOf(command).call<{ table: string; operationHandle: string }>('POST', `/v1/materialized-tables/${path(table)}/refresh`, body);
      print(command, o.json, r, () => `${r.table} refresh submitted: operation ${r.operationHandle}`);
    });

  program
    .command('ops')
    .description("A table's refresh operations, newest first: state, partition, rows, duration, error")
    .argument('<table>', 'e.g. daily_revenue')
    .option('--limit <n>', 'how many, 1..1000', '20')
    .option('--utc', 'show times in UTC instead of the local zone')
    .option('--json', 'print JSON')
    .action(async (table: string, o: { limit: string; utc?: boolean; json?: boolean }, command: Command) => {
      if (!/^\d+$/.test(o.limit) || Number(o.limit) < 1 || Number(o.limit) > 1000) usage(`--limit '${o.limit}': give a whole number from 1 to 1000.`);
      const doc = await clientOf(command).call<{ operations: Operation[]; total: number; more: boolean }>('GET', `/v1/materialized-tables/${path(table)}/operations?limit=${o.limit}`);
      const time = timeView(o.utc);
      print(command, o.json, doc, () => {
        const rows = doc.operations.map((op) => ({
          submitted: time.cell(op.submittedAt),
          state: op.status,
          partition: Object.entries(op.partitions).map(([k, v]) => `${k}=${v}`).join(',') || '(all)',
          rows: op.rowsWritten ?? '',
          duration: op.durationMs === null ? '' : `${op.durationMs} ms`,
          error: op.error ?? '',
          operation: op.operationHandle,
        }));
        const listed = renderRecords(rows, ['submitted', 'state', 'partition', 'rows', 'duration', 'error', 'operation'], outputOf(command), { submitted: time.head('submitted') });
        return doc.more ? `${listed}\n(${doc.operations.length} of ${doc.total}; more with --limit)` : listed;
      });
    });

  for (const verb of ['suspend', 'resume'] as const) {
    const cmd = program
      .command(verb)
      .description(`${verb === 'suspend' ? 'Suspend' : 'Resume'} a materialized table's refresh, or a workflow by id`)
      .argument('<target>', 'a table (e.g. daily_revenue) or a workflowId')
      .option('--reason <text>', 'why (recorded in the log, shown by `tables` and `workflows`)')
      .option('--json', 'print JSON');
    if (verb === 'suspend') cmd.option('--until <instant>', 'a pause: freshet resumes it at this ISO instant, e.g. 2026-12-24T06:00:00Z');
    cmd.action(async (target: string, o: { reason?: string; until?: string; json?: boolean }, command: Command) => {
        const byId = WORKFLOW_ID.test(target);
        if (o.until !== undefined) instantArg('--until', o.until);
        const body = { ...(o.reason ? { reason: o.reason } : {}), ...(o.until !== undefined ? { until: o.until } : {}) };
        const route = byId ? `/v1/workflows/${path(target)}/${verb}` : `/v1/materialized-tables/${path(target)}/${verb}`;
        const doc = await clientOf(command).call<{ status: string; definition?: { identifier: string } }>('POST', route, body);
        const until = o.until === undefined ? '' : ` until ${o.until}`;
        print(command, o.json, doc, () => `${byId ? `workflow ${target}` : (doc.definition?.identifier ?? target)}: ${doc.status}${until}${o.reason ? ` (${o.reason})` : ''}`);
      });
  }
}
