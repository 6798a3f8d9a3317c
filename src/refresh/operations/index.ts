/**
 * Refresh operations: Flink's operation lifecycle (an XState machine: machine.ts, status.ts), recorded as
 * events in one stream per operation (`operation-<handle>`), plus what an execution config means for DuckDB and
 * the retry backoff.
 */
export {
  OPERATION_EVENT_TYPES,
  OPERATION_STREAM_PREFIX,
  asOperationEvent,
  operationStreamName,
  type OperationEvent,
  type OperationEventType,
  type OperationHandle,
  type RefreshKind,
  type RefreshSubmittedData,
} from './events.ts';
export { evolveOperation, type OperationState } from './state.ts';
export { refreshOutcomeOf } from './outcome.ts';
export { OperationLog } from './operation-log.ts';
export { PARALLELISM_OPTIONS, TIMEOUT_OPTION, resourcesOf, type RefreshResources } from './execution-config.ts';
export { DEFAULT_RETRY, checkRetryPolicy, retryDelayMs, type RetryPolicy } from './backoff.ts';
export { OPERATION_STATUSES, isTerminalStatus, IllegalOperationTransitionError, type OperationStatus } from './status.ts';
export { operationMachine, canApply, nextOperationStatus, type OperationMachine, type OperationMachineEvent } from './machine.ts';
