/**
 * The MaterializedTableManager: Flink's materialized-table statements over the DuckDB warehouse and the workflow
 * scheduler, refresh operations with overlap policies, retries and auto-suspend, and per-table refresh views.
 *
 * Wiring: `const d = deferredRefreshTrigger(); const scheduler = new EmbeddedWorkflowScheduler({ store, trigger:
 * d.trigger, … }); const manager = new MaterializedTableManager({ store, warehouse, scheduler, timeZone });
 * d.bind(manager.asRefreshTrigger()); await manager.start(); await scheduler.open();`
 */
export { MaterializedTableManager } from './manager.ts';
export { deferredRefreshTrigger } from './deferred-trigger.ts';
export { RefreshViews, type RefreshHistoryEntry } from './projection.ts';
export { rebuildRefreshViews, type RebuiltRefreshViews } from './rebuild.ts';
export { partitionKey, type RefreshReadModel, type StoredOperation, type StoredTable, type TableSummary, type OperationsPage } from './read-model.ts';
export { memoryRefreshModel } from './memory-read-model.ts';
export { sqliteRefreshModel } from './sqlite-read-model.ts';
export { admit, type Admission, type Lane, MAX_WAITING } from './overlap.ts';
export { refreshEventProblem } from './refresh-event-schema.ts';
export { TABLE_EVENT_TYPES, TABLE_STREAM_PREFIX, asTableEvent, evolveTable, tableStreamName, type TableEvent, type TableState } from './table-events.ts';
export {
  OVERLAP_OPTION,
  OVERLAP_POLICIES,
  type ManagerOptions,
  type MaterializedTableDefinition,
  type OperationSummary,
  type OverlapPolicy,
  type RefreshScheduler,
  type RefreshStatus,
  type StatementContext,
  type SessionConfiguration,
  type StatementResult,
  type TableInfo,
  type TableStatus,
} from './types.ts';
