import type { CommandContext } from '../../events/index.ts';
import { asSerializableString, asSummaryString, FlinkValidationError, type Statement, workflowInitConfig } from '../flink/index.ts';
import { msg } from './messages.ts';
import { describe, showCreate, showTables } from './show.ts';
import type { OperationHandle } from '../operations/index.ts';
import type { ExecuteOptions, WarehouseExecutor } from '../warehouse/index.ts';
import type { TableLifecycle } from './lifecycle.ts';
import type { SessionConfiguration, StatementResult } from './types.ts';

export interface StatementDeps {
  warehouse: WarehouseExecutor;
  lifecycle: TableLifecycle;
  timeZone: string;
  /** Plain SQL's cancel signal and timeout. */
  execution: ExecuteOptions;
  /** The Flink session's configuration, for a created workflow's initConfig. */
  session?: SessionConfiguration;
  /** ALTER … REFRESH: a one-time refresh of the statement's partitions. */
  refresh: (stmt: Extract<Statement, { kind: 'refresh' }>) => Promise<OperationHandle>;
}

/** Runs one parsed statement: plain SQL on the warehouse, Flink's materialized-table DDL through the lifecycle. */
export async function dispatchStatement(stmt: Statement, sql: string, ctx: CommandContext, deps: StatementDeps): Promise<StatementResult> {
  switch (stmt.kind) {
    case 'sql': {
      // A batch's DROP TABLE of a materialized table refuses the whole batch (IF EXISTS too): nothing half-run.
      for (const drop of stmt.drops ?? []) {
        const mt = drop.identifiers.find((i) => deps.lifecycle.materializedTable(i));
        if (mt) throw new FlinkValidationError(msg.dropTableIsMaterialized(asSummaryString(mt)));
      }
      const r = await deps.warehouse.execute(stmt.sql, deps.execution);
      return { kind: 'query', columns: r.columns, columnTypes: r.columnTypes, resultKind: r.resultKind, rows: r.rows, ...(r.rowsChanged !== undefined ? { rowsChanged: r.rowsChanged } : {}) };
    }
    case 'create': {
      const id = asSerializableString(stmt.identifier);
      const initConfig = deps.session ? workflowInitConfig(deps.session.configuration, deps.session.defaults) : {};
      const { created } = await deps.lifecycle.create(stmt, sql, ctx, initConfig);
      const message = created
        ? `Materialized table ${id} created; refresh workflow scheduled (${stmt.cronExpression}, ${deps.timeZone}).`
        : `Materialized table ${id} already exists; nothing was done.`;
      return { kind: 'ddl', table: id, message };
    }
    case 'suspend': {
      const id = asSerializableString(stmt.identifier);
      await deps.lifecycle.suspend(id, ctx);
      return { kind: 'ddl', table: id, message: `Materialized table ${id} suspended.` };
    }
    case 'resume': {
      const id = asSerializableString(stmt.identifier);
      await deps.lifecycle.resume(id, { ...stmt.options }, ctx);
      return { kind: 'ddl', table: id, message: `Materialized table ${id} resumed.` };
    }
    case 'refresh': {
      const handle = await deps.refresh(stmt);
      return { kind: 'operation', table: asSerializableString(stmt.identifier), operationHandle: handle };
    }
    case 'drop': {
      const id = asSerializableString(stmt.identifier);
      const { dropped } = await deps.lifecycle.drop(stmt.identifier, stmt.ifExists, ctx);
      return { kind: 'ddl', table: id, message: dropped ? `Materialized table ${id} dropped.` : `Materialized table ${id} does not exist; nothing was done.` };
    }
    case 'drop-table': {
      // DROP TABLE drops plain tables only, as in Flink; IF EXISTS then leaves a lone materialized table alone, and
      // several names with one among them are refused whole (DuckDB would drop the others).
      const mt = stmt.identifiers.find((i) => deps.lifecycle.materializedTable(i));
      if (!mt) return dispatchStatement({ kind: 'sql', sql: stmt.sql }, sql, ctx, deps);
      const id = asSerializableString(mt);
      if (!stmt.ifExists || stmt.names > 1) throw new FlinkValidationError(msg.dropTableIsMaterialized(asSummaryString(mt)));
      return { kind: 'ddl', table: id, message: `${id} is a materialized table; DROP TABLE IF EXISTS leaves it (use DROP MATERIALIZED TABLE).` };
    }
    case 'alter-freshness':
    case 'alter-query': {
      const id = asSerializableString(stmt.identifier);
      await deps.lifecycle.alter(stmt, ctx);
      const what = stmt.kind === 'alter-freshness' ? `freshness set to ${stmt.freshness.interval} ${stmt.freshness.unit} (cron ${stmt.cronExpression})` : 'query replaced';
      return { kind: 'ddl', table: id, message: `Materialized table ${id}: ${what}.` };
    }
    case 'show-tables':
      return showTables(stmt, deps.lifecycle.materializedTables());
    case 'show-create':
      return showCreate(deps.lifecycle.requireMaterialized(stmt.identifier).definition);
    case 'describe': {
      const table = deps.lifecycle.materializedTable(stmt.identifier);
      return table ? describe(table.definition) : dispatchStatement({ kind: 'sql', sql: stmt.sql }, sql, ctx, deps);
    }
    default: {
      const never: never = stmt;
      throw new Error(`Unknown statement ${JSON.stringify(never)}`);
    }
  }
}
