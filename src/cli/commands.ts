import type { Command } from 'commander';
import { call, CliError } from './client.ts';
import { renderRecords, renderTable } from './render.ts';

const print = (json: boolean, doc: unknown, human: () => string): void => {
  process.stdout.write(`${json ? JSON.stringify(doc, null, 2) : human()}\n`);
};

type StatementResponse = { columns?: string[]; rows?: unknown[][]; table?: string; message?: string; operationHandle?: string };

export function registerClientCommands(program: Command): void {
  program
    .command('sql')
    .description('Run one statement on the running freshet: DuckDB SQL, or Flink materialized-table DDL')
    .argument('<statement>', 'e.g. "SELECT * FROM daily_orders" or "ALTER MATERIALIZED TABLE t SUSPEND"')
    .option('--json', 'print the server response as JSON')
    .option('--reason <text>', 'why (recorded with the events this statement appends)')
    .action(async (statement: string, o: { json?: boolean; reason?: string }) => {
      const result = await call<StatementResponse>('POST', '/v1/statements', { statement, ...(o.reason ? { reason: o.reason } : {}) });
      print(!!o.json, result, () => {
        if (result.columns && result.rows) return `${renderTable(result.columns, result.rows)}\n${result.rows.length} row(s)`;
        if (result.operationHandle) return `${result.table ?? ''} refresh submitted: operation ${result.operationHandle}`;
        return result.message ?? `OK${result.table ? `: ${result.table}` : ''}`;
      });
    });

  program
    .command('tables')
    .description('List materialized tables with their status and last refresh')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      type Row = { definition: { identifier: string; freshness: { interval: number; unit: string }; cronExpression: string }; status: string; refresh: { status: string; lastSuccessfulRefresh: string | null } };
      const doc = await call<{ tables: Row[] }>('GET', '/v1/materialized-tables');
      print(!!o.json, doc, () =>
        renderRecords(
          doc.tables.map((t) => ({
            identifier: t.definition.identifier,
            status: t.status,
            freshness: `${t.definition.freshness.interval} ${t.definition.freshness.unit}`,
            cron: t.definition.cronExpression,
            refresh: t.refresh.status,
            lastRefresh: t.refresh.lastSuccessfulRefresh,
          })),
          ['identifier', 'status', 'freshness', 'cron', 'refresh', 'lastRefresh'],
        ),
      );
    });

  program
    .command('workflows')
    .description('List refresh workflows (WorkflowInfo)')
    .option('--status <status>', 'ACTIVE, SUSPENDED or DELETED')
    .option('--json', 'print JSON')
    .action(async (o: { status?: string; json?: boolean }) => {
      const query = o.status ? `?status=${encodeURIComponent(o.status.toUpperCase())}` : '';
      const doc = await call<{ items: Record<string, unknown>[]; total: number }>('GET', `/v1/workflows${query}`);
      const items = doc.items;
      print(!!o.json, doc, () => renderRecords(items, ['workflowId', 'materializedTableIdentifier', 'status', 'cronExpression', 'nextExecutionTime', 'lastExecutionTime']));
    });
}

export function usage(message: string): never {
  throw new CliError(message, 2);
}
