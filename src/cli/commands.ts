import type { Command } from 'commander';
import { clientOf, usage } from './client.ts';
import { outputOf, print } from './output.ts';
import { renderRecords, renderTable } from './render.ts';
import { timeView } from './times.ts';

type StatementResponse = { columns?: string[]; rows?: unknown[][]; table?: string; message?: string; operationHandle?: string };
type TableRow = {
  definition: { identifier: string; freshness: { interval: number; unit: string }; cronExpression: string };
  status: string;
  suspendedBy: string | null;
  suspendReason: string | null;
  refresh: { status: string; lastSuccessfulRefresh: string | null; errorMessage: string | null; consecutiveFailures: number };
};
type WorkflowRow = Record<string, unknown> & { status: string; suspendReason: string | null; suspendedBy: string | null; nextExecutionTime: string | null; lastExecutionTime: string | null };

/** Why a table or workflow is as it is, where people look: the suspend reason, else the last refresh error. */
function reasonOf(suspendReason: string | null, suspendedBy: string | null, error?: string | null): string {
  if (suspendReason) return suspendedBy ? `${suspendReason} (by ${suspendedBy})` : suspendReason;
  return error ?? '';
}

export function registerClientCommands(program: Command): void {
  program
    .command('sql')
    .description('Run one statement on the running freshet: DuckDB SQL, or Flink materialized-table DDL')
    .argument('<statement>', 'e.g. "SELECT * FROM daily_orders" or "ALTER MATERIALIZED TABLE t SUSPEND"')
    .option('--json', 'print the server response as JSON')
    .option('--reason <text>', 'why (recorded with the events this statement appends)')
    .action(async (statement: string, o: { json?: boolean; reason?: string }, command: Command) => {
      if (statement.trim() === '') usage('The statement is empty: give one SQL statement in quotes, e.g. freshet sql "SELECT 1".');
      const result = await clientOf(command).call<StatementResponse>('POST', '/v1/statements', { statement, ...(o.reason ? { reason: o.reason } : {}) });
      print(command, o.json, result, () => {
        if (result.columns && result.rows) return `${renderTable(result.columns, result.rows, outputOf(command))}\n${result.rows.length} row(s)`;
        if (result.operationHandle) return `${result.table ?? ''} refresh submitted: operation ${result.operationHandle}`;
        return result.message ?? `OK${result.table ? `: ${result.table}` : ''}`;
      });
    });

  program
    .command('tables')
    .description('List materialized tables with their status, last refresh and why they are suspended or failing')
    .option('--utc', 'show times in UTC instead of the local zone')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean; utc?: boolean }, command: Command) => {
      const doc = await clientOf(command).call<{ tables: TableRow[] }>('GET', '/v1/materialized-tables');
      const time = timeView(o.utc);
      print(command, o.json, doc, () =>
        renderRecords(
          doc.tables.map((t) => ({
            table: t.definition.identifier,
            status: t.status,
            freshness: `${t.definition.freshness.interval} ${t.definition.freshness.unit}`,
            refresh: t.refresh.consecutiveFailures > 0 ? `${t.refresh.status} (${t.refresh.consecutiveFailures} failed)` : t.refresh.status,
            lastSuccess: time.cell(t.refresh.lastSuccessfulRefresh),
            reason: reasonOf(t.suspendReason, t.suspendedBy, t.refresh.errorMessage),
          })),
          ['table', 'status', 'freshness', 'refresh', 'lastSuccess', 'reason'],
          outputOf(command),
          { lastSuccess: time.head('last success') },
        ),
      );
    });

  program
    .command('workflows')
    .description('List refresh workflows (WorkflowInfo); deleted ones only with --all or --status deleted')
    .option('--status <status>', 'ACTIVE, SUSPENDED or DELETED')
    .option('--all', 'include deleted workflows')
    .option('--utc', 'show times in UTC instead of the local zone')
    .option('--json', 'print JSON')
    .action(async (o: { status?: string; json?: boolean; all?: boolean; utc?: boolean }, command: Command) => {
      const status = o.status?.toUpperCase();
      if (status !== undefined && !['ACTIVE', 'SUSPENDED', 'DELETED'].includes(status)) usage(`--status '${o.status}': use active, suspended or deleted.`);
      const query = new URLSearchParams({ limit: '1000', ...(status ? { status } : {}) });
      const doc = await clientOf(command).call<{ items: WorkflowRow[]; total: number }>('GET', `/v1/workflows?${query}`);
      const items = status || o.all ? doc.items : doc.items.filter((w) => w.status !== 'DELETED');
      const shown = { ...doc, items, total: status || o.all ? doc.total : items.length };
      const time = timeView(o.utc);
      print(command, o.json, shown, () =>
        renderRecords(
          items.map((w) => ({
            workflowId: w.workflowId,
            table: w.materializedTableIdentifier,
            status: w.status,
            cron: w.cronExpression,
            next: time.cell(w.nextExecutionTime),
            last: time.cell(w.lastExecutionTime),
            reason: reasonOf(w.suspendReason, w.suspendedBy),
          })),
          ['workflowId', 'table', 'status', 'cron', 'next', 'last', 'reason'],
          outputOf(command),
          { next: time.head('next'), last: time.head('last') },
        ),
      );
    });
}
