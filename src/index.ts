/**
 * freshet as a library: Flink's workflow-scheduler SPI over a durable, event-sourced engine, the Quartz cron
 * dialect, the event-store port and its adapters, the read models, and the materialized-table manager.
 */
export { nextFireTimes, compileCron, CronExpressionError, CronTimeZoneError, CronArgumentError, type CompiledCron } from './cron/index.ts';
export { WorkflowEngine, type EngineOptions, type RefreshTrigger, type RefreshRequest, type FireResult, type FireInfo } from './engine/index.ts';
export {
  type WorkflowScheduler,
  type RefreshHandler,
  type RefreshHandlerSerializer,
  EmbeddedWorkflowScheduler,
  EmbeddedWorkflowSchedulerFactory,
  EmbeddedRefreshHandler,
  embeddedRefreshHandlerSerializer,
  RefreshHandlerSerializationError,
  CreatePeriodicRefreshWorkflow,
  type CreateRefreshWorkflow,
  SuspendRefreshWorkflow,
  ResumeRefreshWorkflow,
  ModifyRefreshWorkflowCronExpression,
  type ModifyRefreshWorkflow,
  DeleteRefreshWorkflow,
  type WorkflowSchedulerFactory,
  type WorkflowSchedulerFactoryContext,
  createWorkflowScheduler,
  ValidationException,
  WorkflowException,
  WORKFLOW_SCHEDULER_TYPE,
} from './workflow-scheduler/index.ts';
export { WorkflowError, type WorkflowErrorCode, type MisfirePolicy, type WorkflowEvent, workflowIdOf } from './workflows/index.ts';
export {
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  type ExpectedVersion,
  VersionConflictError,
  StreamNotFoundError,
  StoreUnavailableError,
  StoreCorruptedError,
  createMemoryEventStore,
  createSqliteEventStore,
  createEsdbEventStore,
} from './events/index.ts';

export { type WorkflowInfo, type Occurrence, type HistoryEntry, rebuildWorkflows, diffProjections } from './projections/index.ts';
export { MaterializedTableManager, createDuckDbWarehouse, type WarehouseExecutor, type RefreshStatus, type StatementResult } from './refresh/index.ts';
export { openFreshet, type FreshetRuntime, type OpenFreshetOptions } from './runtime/index.ts';
export { buildServer, startServer } from './api/index.ts';
export { type Clock, systemClock } from './clock/index.ts';
