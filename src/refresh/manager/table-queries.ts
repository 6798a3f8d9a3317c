import type { Clock } from '../../clock/index.ts';
import { freshnessToMillis } from '../flink/index.ts';
import {
  asSerializableString,
  FlinkValidationError,
  type IdentifierDefaults,
  type ObjectIdentifier,
  parseIdentifier,
} from '../flink/index.ts';
import type { OperationHandle, OperationLog, OperationState, OperationStatus } from '../operations/index.ts';
import type { WarehouseExecutor } from '../warehouse/index.ts';
import { msg } from './messages.ts';
import { summarize, type RefreshHistoryEntry, type RefreshViews } from './projection.ts';
import { endedOpen, type RefreshReadModel } from './read-model.ts';
import type { Refresher } from './refresher.ts';
import type { TableState } from './table-events.ts';
import type { TableRegistry } from './table-registry.ts';
import type { OverlapPolicy, RefreshScheduler, RefreshStatus, TableInfo } from './types.ts';

export interface TableQueryDeps {
  registry: TableRegistry;
  log: OperationLog;
  views: RefreshViews;
  model: RefreshReadModel;
  /** Saves what the manager appended so far to the read model (what a read of it waits for). */
  flush: () => Promise<void>;
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

  async requireOperation(handle: OperationHandle): Promise<OperationState> {
    const op = this.deps.log.get(handle) ?? (await this.deps.model.operation(handle));
    if (!op) throw new FlinkValidationError(`Can not find the submitted operation in the OperationManager with the ${handle}.`, undefined, 'OPERATION_NOT_FOUND');
    return op;
  }

  async refreshStatus(table: TableState): Promise<RefreshStatus> {
    const id = table.definition.identifier;
    const status = this.deps.views.status(id, await this.lastOf(id));
    const running = status.running[0];
    return { ...status, progress: running ? this.deps.refresher.progressOf(running.operationHandle) : null };
  }

  /**
   * The newest ended operation that is not closed: the summary's, or, once that one was closed, the read model's
   * next newest (or a held one that ended since), which the summary then keeps.
   */
  private async lastOf(id: string): Promise<OperationState | null> {
    const summary = this.deps.views.summary(id);
    if (!summary) return null;
    if (summary.last !== 'unknown') return summary.last;
    await this.deps.flush();
    let last = (await this.deps.model.lastEnded(id)) ?? null;
    for (const held of this.deps.views.held(id)) {
      if (endedOpen(held) && (last === null || (held.endedAt ?? 0) > (last.endedAt ?? 0) || ((held.endedAt ?? 0) === (last.endedAt ?? 0) && held.submittedAt >= last.submittedAt))) last = held;
    }
    if (summary.last === 'unknown') summary.last = last;
    return last;
  }

  /** Every operation of the table, oldest first (submission order; ties in the log's order). */
  async refreshHistory(table: TableState): Promise<RefreshHistoryEntry[]> {
    const id = table.definition.identifier;
    await this.deps.flush();
    const all: OperationState[] = [];
    for await (const o of this.deps.model.allOperations(id)) all.push(o.state);
    return all.sort((a, b) => a.submittedAt - b.submittedAt).map((o) => ({ table: id, ...summarize(o) }));
  }

  /** A page of the table's operations, newest first, with the total and the cursor of the next (older) page. */
  async refreshOperations(table: TableState, page: { before?: number; limit: number }): Promise<{ operations: RefreshHistoryEntry[]; total: number; next: number | null }> {
    const id = table.definition.identifier;
    await this.deps.flush();
    const found = await this.deps.model.operations(id, page);
    return { operations: found.operations.map((o) => ({ table: id, ...summarize(o.state) })), total: this.deps.views.summary(id)?.operations ?? 0, next: found.next };
  }

  async lastByPartition(table: TableState): Promise<Map<string, OperationStatus>> {
    await this.deps.flush();
    return this.deps.model.lastByPartition(table.definition.identifier);
  }

  async list(): Promise<TableInfo[]> {
    const tables = this.deps.registry.list().sort((a, b) => a.definition.identifier.localeCompare(b.definition.identifier));
    return Promise.all(tables.map((t) => this.info(t)));
  }

  async info(t: TableState): Promise<TableInfo> {
    const workflow = t.workflowId ? (this.deps.scheduler.projection.get(t.workflowId) ?? null) : null;
    return {
      definition: t.definition,
      status: t.status === 'GONE' ? 'ACTIVATED' : t.status,
      refreshHandlerDescription: t.refreshHandlerDescription,
      overlapPolicy: this.deps.policyOf(t),
      suspendedBy: t.suspendedBy,
      suspendReason: t.suspendReason,
      suspendedUntil: t.status === 'SUSPENDED' && t.suspendedUntil ? new Date(t.suspendedUntil).toISOString() : null,
      workflow,
      refresh: await this.refreshStatus(t),
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
