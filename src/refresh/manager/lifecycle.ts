import {
  type AlterFreshness,
  type AlterQuery,
  asSerializableString,
  asSummaryString,
  type CreateMaterializedTable,
  FlinkExecutionError,
  FlinkValidationError,
  type ObjectIdentifier,
  parseIdentifier,
  validateFormatterOptions,
} from '../flink/index.ts';
import type { WarehouseExecutor } from '../warehouse/index.ts';
import {
  CreatePeriodicRefreshWorkflow,
  DeleteRefreshWorkflow,
  type EmbeddedRefreshHandler,
  ResumeRefreshWorkflow,
  SuspendRefreshWorkflow,
  WorkflowException,
} from '../../workflow-scheduler/index.ts';
import { workflowIdOf } from '../../workflows/index.ts';
import { msg } from './messages.ts';
import type { TableRegistry } from './table-registry.ts';
import type { CommandContext } from '../../events/index.ts';
import type { TableState } from './table-events.ts';
import { OVERLAP_OPTION, type MaterializedTableDefinition, type RefreshScheduler } from './types.ts';
import { checkPolicy } from './overlap.ts';
import { alterFreshness, alterQuery } from './alter.ts';

export interface LifecycleDeps {
  registry: TableRegistry;
  warehouse: WarehouseExecutor;
  scheduler: RefreshScheduler;
  timeZone: string;
  /** Cancels the table's running and waiting refreshes (DROP). */
  cancelRefreshes: (identifier: string, ctx: CommandContext) => Promise<void>;
}

const tableId = (id: ObjectIdentifier) => ({ catalog: id.catalog, database: id.database, table: id.table });

/** CREATE / SUSPEND / RESUME / DROP of a materialized table, by Flink's rules (research note §3), as events. */
export class TableLifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  async create(stmt: CreateMaterializedTable, statement: string, ctx: CommandContext, initConfig: Record<string, string> = {}): Promise<{ created: boolean }> {
    const id = asSerializableString(stmt.identifier);
    return this.deps.registry.exclusive(id, async () => {
      const { registry, warehouse, scheduler } = this.deps;
      if (registry.get(id) || (await warehouse.tableExists(tableId(stmt.identifier)))) {
        if (stmt.ifNotExists) return { created: false };
        throw new FlinkValidationError(msg.alreadyExists(asSummaryString(stmt.identifier), stmt.identifier.catalog));
      }
      const policy = stmt.options[OVERLAP_OPTION];
      if (policy !== undefined) checkPolicy(policy, `table option '${OVERLAP_OPTION}'`);
      const columns = await warehouse.describeQuery(stmt.query);
      validateFormatterOptions(stmt.options, stmt.partitionKeys, new Map(columns.map((c) => [c.name, c.type])));
      const definition: MaterializedTableDefinition = {
        identifier: id,
        ...tableId(stmt.identifier),
        query: stmt.query,
        statement,
        freshness: { interval: stmt.freshness.interval, unit: stmt.freshness.unit },
        cronExpression: stmt.cronExpression,
        refreshMode: 'FULL',
        partitionKeys: [...stmt.partitionKeys],
        options: { ...stmt.options },
        comment: stmt.comment ?? null,
        columns,
        timeZone: this.deps.timeZone,
      };
      await registry.append(id, [{ type: 'MaterializedTableCreating', data: { identifier: id, definition } }], ctx);
      let tableCreated = false;
      try {
        await warehouse.createTable(tableId(stmt.identifier), columns, { partitionKeys: [...stmt.partitionKeys] });
        tableCreated = true;
        const handler = await scheduler.createRefreshWorkflow(
          new CreatePeriodicRefreshWorkflow(id, stmt.query, stmt.cronExpression, initConfig, {}, '', { timeZone: this.deps.timeZone, ...ctx }),
        );
        const bytes = Buffer.from(scheduler.getRefreshHandlerSerializer().serialize(handler)).toString('base64');
        await registry.append(id, [{
          type: 'MaterializedTableActivated',
          data: { identifier: id, workflowId: workflowIdOf(handler.workflowGroup, handler.workflowName), refreshHandlerBytes: bytes, refreshHandlerDescription: handler.asSummaryString() },
        }], ctx);
        return { created: true };
      } catch (error) {
        // Flink's rollback: drop the table, then fail; the failure is part of the table's history.
        if (tableCreated) await warehouse.dropTable(tableId(stmt.identifier), { ifExists: true }).catch(() => undefined);
        const reason = error instanceof Error ? error.message : String(error);
        await registry.append(id, [{ type: 'MaterializedTableCreationFailed', data: { identifier: id, error: reason } }], ctx);
        if (!tableCreated) throw error;
        throw new FlinkExecutionError(msg.createWorkflowFailed(id), { cause: new Error(msg.workflowCreateFailed(id), { cause: error }) });
      }
    });
  }

  /** `until`: a pause; the workflow resumes itself then, and the table follows it (workflow-follower.ts). */
  async suspend(id: string, ctx: CommandContext, automatic = false, until?: number): Promise<void> {
    await this.deps.registry.exclusive(id, async () => {
      const table = await this.require(id);
      if (table.status === 'INITIALIZING') throw new FlinkValidationError(msg.initializing(id, 'suspend'), undefined, 'TABLE_INITIALIZING');
      if (table.status === 'SUSPENDED') {
        if (automatic) return;
        throw new FlinkValidationError(msg.alreadySuspended(id), undefined, 'WORKFLOW_ALREADY_SUSPENDED');
      }
      try {
        await this.deps.scheduler.modifyRefreshWorkflow(new SuspendRefreshWorkflow(this.handlerOf(table), ctx, until));
      } catch (error) {
        throw new FlinkExecutionError(msg.suspendFailed(id), { cause: new Error(msg.workflowSuspendFailed(this.handlerOf(table).asSummaryString()), { cause: error }) });
      }
      await this.deps.registry.append(id, [{ type: 'MaterializedTableSuspended', data: { identifier: id, by: ctx.actor, reason: ctx.reason ?? null, automatic, ...(until !== undefined ? { until } : {}) } }], ctx);
    });
  }

  async resume(id: string, dynamicOptions: Record<string, string>, ctx: CommandContext): Promise<void> {
    await this.deps.registry.exclusive(id, async () => {
      const table = await this.require(id);
      if (table.status === 'INITIALIZING') throw new FlinkValidationError(msg.initializing(id, 'resume'), undefined, 'TABLE_INITIALIZING');
      if (table.status === 'ACTIVATED') throw new FlinkValidationError(msg.alreadyResumed(id), undefined, 'WORKFLOW_ALREADY_RESUMED');
      const options = Object.keys(dynamicOptions).length > 0 ? dynamicOptions : null;
      try {
        await this.deps.scheduler.modifyRefreshWorkflow(new ResumeRefreshWorkflow(this.handlerOf(table), options, ctx));
      } catch (error) {
        throw new FlinkExecutionError(msg.resumeFailed(id), { cause: new Error(msg.workflowResumeFailed(this.handlerOf(table).asSummaryString()), { cause: error }) });
      }
      await this.deps.registry.append(id, [{ type: 'MaterializedTableResumed', data: { identifier: id, by: ctx.actor, dynamicOptions: options } }], ctx);
    });
  }

  async drop(identifier: ObjectIdentifier, ifExists: boolean, ctx: CommandContext): Promise<{ dropped: boolean }> {
    const id = asSerializableString(identifier);
    return this.deps.registry.exclusive(id, async () => {
      const table = this.deps.registry.get(id);
      if (!table) {
        // A plain table of that name is refused even with IF EXISTS: only a missing table is let pass.
        if (await this.deps.warehouse.tableExists(tableId(identifier))) throw new FlinkValidationError(msg.notMaterialized(id));
        if (ifExists) return { dropped: false };
        throw new FlinkValidationError(msg.doesNotExist(id), undefined, 'TABLE_NOT_FOUND');
      }
      if (table.status === 'INITIALIZING') throw new FlinkValidationError(msg.dropInitializing(id), undefined, 'TABLE_INITIALIZING');
      try {
        await this.deps.scheduler.deleteRefreshWorkflow(new DeleteRefreshWorkflow(this.handlerOf(table), ctx));
      } catch (error) {
        // Flink: a missing workflow is fine (e.g. lost by a restart of Flink's in-memory scheduler).
        if (!(error instanceof WorkflowException && error.code === 'WORKFLOW_NOT_FOUND')) {
          const middle = new Error(msg.workflowDeleteFailed(this.handlerOf(table).asSummaryString()), { cause: error });
          throw new FlinkExecutionError(msg.deleteWorkflowFailed(id), { cause: middle });
        }
      }
      await this.deps.cancelRefreshes(id, ctx);
      await this.deps.warehouse.dropTable(tableId(identifier), { ifExists: true });
      await this.deps.registry.append(id, [{ type: 'MaterializedTableDropped', data: { identifier: id, by: ctx.actor } }], ctx);
      return { dropped: true };
    });
  }

  /** ALTER MATERIALIZED TABLE … SET FRESHNESS / AS <query>, under the table's lock. */
  async alter(stmt: AlterFreshness | AlterQuery, ctx: CommandContext): Promise<void> {
    const id = asSerializableString(stmt.identifier);
    await this.deps.registry.exclusive(id, async () => {
      const table = await this.require(id);
      if (table.status === 'INITIALIZING') throw new FlinkValidationError(msg.initializing(id, 'alter'), undefined, 'TABLE_INITIALIZING');
      const a = { deps: this.deps, table, handler: () => this.handlerOf(table), ctx };
      await (stmt.kind === 'alter-freshness' ? alterFreshness(stmt, a) : alterQuery(stmt, a));
    });
  }

  /** The materialized table a name denotes, matched as DuckDB matches names (ignoring case), if any. */
  materializedTable(identifier: ObjectIdentifier): TableState | undefined {
    const id = asSerializableString(identifier).toLowerCase();
    return this.deps.registry.list().find((t) => t.definition.identifier.toLowerCase() === id);
  }

  materializedTables(): TableState[] {
    return this.deps.registry.list();
  }

  /** As `materializedTable`, or Flink's not-found message. */
  requireMaterialized(identifier: ObjectIdentifier): TableState {
    const table = this.materializedTable(identifier);
    if (!table) throw new FlinkValidationError(msg.doesNotExist(asSerializableString(identifier)), undefined, 'TABLE_NOT_FOUND');
    return table;
  }

  private async require(id: string): Promise<TableState> {
    const table = this.deps.registry.get(id);
    if (table) return table;
    if (await this.deps.warehouse.tableExists(tableId(parseIdentifier(id)))) throw new FlinkValidationError(msg.notMaterialized(id));
    throw new FlinkValidationError(msg.doesNotExist(id), undefined, 'TABLE_NOT_FOUND');
  }

  private handlerOf(table: TableState): EmbeddedRefreshHandler {
    const bytes = table.refreshHandlerBytes;
    if (bytes === null) throw new FlinkValidationError(msg.initializing(table.definition.identifier, 'suspend'), undefined, 'TABLE_INITIALIZING');
    return this.deps.scheduler.getRefreshHandlerSerializer().deserialize(new Uint8Array(Buffer.from(bytes, 'base64')));
  }
}
