import type { Clock } from '../../clock/index.ts';
import { freshnessToMillis } from '../flink/index.ts';
import {
  asSerializableString,
  FlinkValidationError,
  type IdentifierDefaults,
  type ObjectIdentifier,
  parseIdentifier,
} from '../flink/index.ts';
import type { OperationHandle, OperationLog, OperationState } from '../operations/index.ts';
import type { WarehouseExecutor } from '../warehouse/index.ts';
import { msg } from './messages.ts';
import type { RefreshHistoryEntry, RefreshViews } from './projection.ts';
import type { Refresher } from './refresher.ts';
import type { TableState } from './table-events.ts';
import type { TableRegistry } from './table-registry.ts';
import type { OverlapPolicy, RefreshScheduler, RefreshStatus, TableInfo } from './types.ts';

export interface TableQueryDeps {
  registry: TableRegistry;
  log: OperationLog;
  views: RefreshViews;
  refresher: Refresher;
  warehouse: WarehouseExecutor;
  scheduler: RefreshScheduler;
  defaults: IdentifierDefaults;
  policyOf: (table: TableState) => OverlapPolicy;
  clock: Clock;
}

/**
 * The read side of materialized tables: a table or operation by name (with Flink's messages when there is none),
 * and each table's refresh status and history as the refresh views and the workflow read model tell them.
 */
export class TableQueries {
  constructor(private readonly deps: TableQueryDeps) {}

  /** The live materialized table of that identifier; Flink's ValidationException when there is none. */
  /**
   * The materialized table of that identifier, or Flink's error. `explain: false` (a workflow's fire) skips asking
   * DuckDB whether a plain table of that name exists, which only picks the message: a fire of a table freshet
   * does not hold then costs a Map lookup, not a warehouse query (at thousands of such fires a second, that query
   * was their whole cost).
   */
  async requireTable(identifier: string | ObjectIdentifier, explain = true): Promise<TableState> {
    const objectId = typeof identifier === 'string' ? parseIdentifier(identifier, this.deps.defaults) : identifier;
    const id = asSerializableString(objectId);
    const table = this.deps.registry.get(id);
    if (table) return table;
    if (explain && (await this.deps.warehouse.tableExists(objectId))) throw new FlinkValidationError(msg.notMaterialized(id));
    throw new FlinkValidationError(msg.notFound(id, this.deps.defaults.catalog), undefined, 'TABLE_NOT_FOUND');
  }

  requireOperation(handle: OperationHandle): OperationState {
    const op = this.deps.log.get(handle);
    if (!op) throw new FlinkValidationError(`Can not find the submitted operation in the OperationManager with the ${handle}.`, undefined, 'OPERATION_NOT_FOUND');
    return op;
  }

  refreshStatus(table: TableState): RefreshStatus {
    const status = this.deps.views.status(table.definition.identifier);
    const running = status.running[0];
    return { ...status, progress: running ? this.deps.refresher.progressOf(running.operationHandle) : null };
  }

  refreshHistory(table: TableState): RefreshHistoryEntry[] {
    return this.deps.views.history(table.definition.identifier);
  }

  list(): TableInfo[] {
    return this.deps.registry
      .list()
      .sort((a, b) => a.definition.identifier.localeCompare(b.definition.identifier))
      .map((t) => this.info(t));
  }

  info(t: TableState): TableInfo {
    const workflow = t.workflowId ? (this.deps.scheduler.projection.get(t.workflowId) ?? null) : null;
    return {
      definition: t.definition,
      status: t.status === 'GONE' ? 'ACTIVATED' : t.status,
      refreshHandlerDescription: t.refreshHandlerDescription,
      overlapPolicy: this.deps.policyOf(t),
      suspendedBy: t.suspendedBy,
      suspendReason: t.suspendReason,
      workflow,
      refresh: this.refreshStatus(t),
      lag: this.lagOf(t, workflow),
    };
  }

  /**
   * Freshness lag (Snowflake's TARGET_LAG, from the log): how old the table's data is against its declared
   * freshness. A table refreshed every F is up to F plus a refresh's duration old just before the next refresh
   * lands, so it is behind when its data is older than twice its freshness: at least one refresh is missing. A
   * table never refreshed is behind once twice its freshness has passed since its workflow was created.
   */
  lagOf(t: TableState, workflow: TableInfo['workflow']): TableInfo['lag'] {
    const freshnessMs = freshnessToMillis(t.definition.freshness);
    const dataTime = this.deps.views.dataTime(t.definition.identifier);
    const now = this.deps.clock.now();
    const stalenessMs = dataTime === null ? null : Math.max(0, now - dataTime);
    const since = dataTime ?? (workflow ? Date.parse(workflow.creationTime) : null);
    return { dataTime: dataTime === null ? null : new Date(dataTime).toISOString(), stalenessMs, freshnessMs, behind: since !== null && now - since > 2 * freshnessMs };
  }
}
