import type { CommandContext } from '../../events/index.ts';
import { type AlterFreshness, type AlterQuery, FlinkExecutionError, FlinkValidationError, flinkTypeName, validateFormatterOptions } from '../flink/index.ts';
import { ModifyRefreshWorkflowCronExpression, type EmbeddedRefreshHandler } from '../../workflow-scheduler/index.ts';
import type { LifecycleDeps } from './lifecycle.ts';
import { msg } from './messages.ts';
import type { TableState } from './table-events.ts';
import type { MaterializedTableDefinition } from './types.ts';

/** What an ALTER needs of the lifecycle: the table (checked, under its lock) and its workflow's handler. */
export interface AlterContext {
  deps: LifecycleDeps;
  table: TableState;
  handler: () => EmbeddedRefreshHandler;
  ctx: CommandContext;
}

const columnText = (c: { name: string; type: string }) => `\`${c.name}\` ${flinkTypeName(c.type)}`;

/** SET FRESHNESS: the workflow's cron first (it may refuse), then the definition, so both always agree. */
export async function alterFreshness(stmt: AlterFreshness, a: AlterContext): Promise<void> {
  const d = a.table.definition;
  try {
    await a.deps.scheduler.modifyRefreshWorkflow(new ModifyRefreshWorkflowCronExpression(a.handler(), stmt.cronExpression, { timeZone: d.timeZone, ...a.ctx }));
  } catch (error) {
    throw new FlinkExecutionError(msg.alterFreshnessFailed(d.identifier), { cause: new Error(msg.workflowFreshnessFailed(a.handler().asSummaryString()), { cause: error }) });
  }
  const definition: MaterializedTableDefinition = { ...d, freshness: { ...stmt.freshness }, cronExpression: stmt.cronExpression };
  await a.deps.registry.append(d.identifier, [{ type: 'MaterializedTableAltered', data: { identifier: d.identifier, by: a.ctx.actor, change: 'freshness', definition } }], a.ctx);
}

/**
 * AS <query> (Flink 2.1+, FULL mode: the catalog only). As Flink's `validateAndExtractNewColumns`: the new query
 * keeps every column, same name and type, in order; it may only append columns, which the storage gains (NULL in
 * existing rows) and the next refresh fills.
 */
export async function alterQuery(stmt: AlterQuery, a: AlterContext): Promise<void> {
  const d = a.table.definition;
  const columns = await a.deps.warehouse.describeQuery(stmt.query);
  if (columns.length < d.columns.length) throw new FlinkValidationError(msg.alterDropsColumns(d.columns.length, columns.length));
  d.columns.forEach((old, i) => {
    const now = columns[i];
    if (!now || now.name !== old.name || now.type !== old.type) throw new FlinkValidationError(msg.alterColumnMismatch(i, columnText(old), now ? columnText(now) : ''));
  });
  validateFormatterOptions(d.options, d.partitionKeys, new Map(columns.map((c) => [c.name, c.type])));
  const added = columns.slice(d.columns.length);
  if (added.length > 0) await a.deps.warehouse.addColumns({ catalog: d.catalog, database: d.database, table: d.table }, added);
  const definition: MaterializedTableDefinition = { ...d, query: stmt.query, columns };
  await a.deps.registry.append(d.identifier, [{ type: 'MaterializedTableAltered', data: { identifier: d.identifier, by: a.ctx.actor, change: 'query', definition } }], a.ctx);
}
