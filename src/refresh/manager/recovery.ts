import { type ObjectIdentifier, parseIdentifier } from '../flink/index.ts';
import type { WarehouseExecutor } from '../warehouse/index.ts';
import { DEFAULT_GROUP, DeleteRefreshWorkflow, EmbeddedRefreshHandler, JOB_NAME_PREFIX, WorkflowException } from '../../workflow-scheduler/index.ts';
import type { TableRegistry } from './table-registry.ts';
import type { CommandContext } from '../../events/index.ts';
import type { TableState } from './table-events.ts';
import type { RefreshScheduler } from './types.ts';

export interface RecoveryDeps {
  registry: TableRegistry;
  warehouse: WarehouseExecutor;
  scheduler: RefreshScheduler;
  cancelRefreshes: (identifier: string, ctx: CommandContext) => Promise<void>;
}

const RECOVERY: CommandContext = { actor: 'freshet-recovery', correlationId: 'freshet-recovery', reason: 'freshet restarted in the middle of this command' };
const tableId = (id: ObjectIdentifier) => ({ catalog: id.catalog, database: id.database, table: id.table });

/**
 * A table command touches three things — the table's stream, its workflow and the warehouse — that no transaction
 * spans. After a crash between them, start-up settles each table by one rule: the workflow's stream is the commit
 * point. An unfinished CREATE (its client never got an answer) is rolled back as Flink rolls back a failed one;
 * a SUSPEND or RESUME whose workflow changed but whose table event is missing is completed; a DROP whose workflow is
 * gone is completed.
 */
export async function recoverInterruptedCommands(deps: RecoveryDeps): Promise<number> {
  let settled = 0;
  for (const table of deps.registry.list()) {
    const id = table.definition.identifier;
    const done = await deps.registry.exclusive(id, async () => {
      const current = deps.registry.get(id);
      if (!current) return false;
      if (current.status === 'INITIALIZING') return rollBackCreate(deps, current);
      return alignWithWorkflow(deps, current);
    });
    if (done) settled++;
  }
  return settled;
}

async function rollBackCreate(deps: RecoveryDeps, table: TableState): Promise<boolean> {
  const id = table.definition.identifier;
  try {
    await deps.scheduler.deleteRefreshWorkflow(new DeleteRefreshWorkflow(new EmbeddedRefreshHandler(`${JOB_NAME_PREFIX}${id}`, DEFAULT_GROUP), RECOVERY));
  } catch (error) {
    if (!(error instanceof WorkflowException && error.code === 'WORKFLOW_NOT_FOUND')) throw error;
  }
  await deps.warehouse.dropTable(tableId(parseIdentifier(id)), { ifExists: true });
  await deps.registry.append(id, [{ type: 'MaterializedTableCreationFailed', data: { identifier: id, error: 'freshet restarted before the CREATE finished; it was rolled back.' } }], RECOVERY);
  return true;
}

async function alignWithWorkflow(deps: RecoveryDeps, table: TableState): Promise<boolean> {
  const id = table.definition.identifier;
  const workflow = table.workflowId === null ? undefined : deps.scheduler.projection.get(table.workflowId);
  if (!workflow || workflow.status === 'DELETED') {
    await deps.cancelRefreshes(id, RECOVERY);
    await deps.warehouse.dropTable(tableId(parseIdentifier(id)), { ifExists: true });
    await deps.registry.append(id, [{ type: 'MaterializedTableDropped', data: { identifier: id, by: workflow?.lastModifiedBy ?? RECOVERY.actor } }], RECOVERY);
    return true;
  }
  if (workflow.status === 'SUSPENDED' && table.status === 'ACTIVATED') {
    const by = workflow.suspendedBy ?? RECOVERY.actor;
    await deps.registry.append(id, [{ type: 'MaterializedTableSuspended', data: { identifier: id, by, reason: workflow.suspendReason, automatic: by === 'freshet-auto-suspend' } }], RECOVERY);
    return true;
  }
  if (workflow.status === 'ACTIVE' && table.status === 'SUSPENDED') {
    await deps.registry.append(id, [{ type: 'MaterializedTableResumed', data: { identifier: id, by: workflow.lastModifiedBy ?? RECOVERY.actor, dynamicOptions: null } }], RECOVERY);
    return true;
  }
  return false;
}
