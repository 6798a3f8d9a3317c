import type { Clock } from '../../clock/index.ts';
import type { EventStore } from '../../events/index.ts';
import type { WorkflowInfo } from '../../projections/index.ts';
import type { ResultKind, WarehouseExecutor, WarehouseType, WarehouseValue } from '../warehouse/index.ts';
import type {
  CreatePeriodicRefreshWorkflow,
  DeleteRefreshWorkflow,
  EmbeddedRefreshHandler,
  ModifyRefreshWorkflow,
  RefreshHandlerSerializer,
} from '../../workflow-scheduler/index.ts';
import type { OperationHandle, OperationState, OperationStatus, RetryPolicy } from '../operations/index.ts';
import type { RefreshReadModel } from './read-model.ts';

/**
 * What a table does with a fire that arrives while a refresh of it is running (Temporal's names):
 * - `skip`: the fire is dropped (recorded as skipped-overlap).
 * - `buffer-one`: it waits; at most one waits, later ones are dropped.
 * - `buffer-all`: every one waits, in order (the default: no scheduled partition is ever silently dropped).
 * - `cancel-other`: the running refresh and the waiting ones are cancelled; this one runs next.
 * One-time refreshes (ALTER … REFRESH) always wait their turn.
 */
export type OverlapPolicy = 'skip' | 'buffer-one' | 'buffer-all' | 'cancel-other';
export const OVERLAP_POLICIES: readonly OverlapPolicy[] = ['skip', 'buffer-one', 'buffer-all', 'cancel-other'];
/** Table option that sets a table's overlap policy, e.g. `WITH ('freshet.refresh.overlap' = 'skip')`. */
export const OVERLAP_OPTION = 'freshet.refresh.overlap';

/** The three SPI calls and the lookups the manager needs; `EmbeddedWorkflowScheduler` satisfies it. */
export interface RefreshScheduler {
  createRefreshWorkflow(request: CreatePeriodicRefreshWorkflow): Promise<EmbeddedRefreshHandler>;
  modifyRefreshWorkflow(request: ModifyRefreshWorkflow<EmbeddedRefreshHandler>): Promise<void>;
  deleteRefreshWorkflow(request: DeleteRefreshWorkflow<EmbeddedRefreshHandler>): Promise<void>;
  getRefreshHandlerSerializer(): RefreshHandlerSerializer<EmbeddedRefreshHandler>;
  readonly projection: { get(workflowId: string): WorkflowInfo | undefined; waitFor(position: number): Promise<void> };
}

export interface ManagerOptions {
  store: EventStore;
  warehouse: WarehouseExecutor;
  scheduler: RefreshScheduler;
  clock?: Clock;
  /** IANA zone of new workflows and of the periodic partition computation (Flink's `table.local-time-zone`). */
  timeZone: string;
  /** Current catalog and database for unqualified names (default `freshet`.`default`). */
  defaults?: { catalog?: string; database?: string };
  /** Retries of failed scheduled refreshes (default 3 attempts, 1 s initial backoff, 60 s cap). */
  retry?: Partial<RetryPolicy>;
  /** Consecutive failed scheduled refreshes after which a table suspends itself (default 5; 0 = never). */
  autoSuspendAfterFailures?: number;
  /** The event log in an operator's words (its file, say), for errors naming an event's place in it. */
  logName?: string;
  /** Default for tables without `freshet.refresh.overlap` (default `buffer-all`). */
  overlapPolicy?: OverlapPolicy;
  /**
   * Where tables and operations are kept between runs (read-model.ts): the manager starts from it and reads ended
   * operations from it. Default: in memory, so each start folds the whole log.
   */
  readModel?: RefreshReadModel;
  /** Called with errors that have no caller to go to (a failed append after a refresh, an auto-suspend failure). */
  onError?: (error: unknown, context: string) => void;
}

/** A Flink session's configuration and the gateway defaults beneath it. */
export interface SessionConfiguration {
  configuration: Record<string, string>;
  defaults: Record<string, string>;
}

/** Who asks and why; recorded on every event the call appends. */
export interface StatementContext {
  actor?: string;
  reason?: string;
  correlationId?: string;
  /** A plain SQL statement's cancel signal and timeout (a Flink session's operation cancel, executionTimeout). */
  execution?: { signal?: AbortSignal; timeoutMs?: number };
  /** The Flink session the statement runs in: a CREATE MATERIALIZED TABLE's workflow takes its initConfig from it. */
  session?: SessionConfiguration;
}

export type StatementResult =
  | { kind: 'query'; columns: string[]; columnTypes: WarehouseType[]; resultKind: ResultKind; rows: WarehouseValue[][]; rowsChanged?: number }
  | { kind: 'ddl'; table: string; message: string }
  | { kind: 'operation'; table: string; operationHandle: OperationHandle };

export type TableStatus = 'INITIALIZING' | 'ACTIVATED' | 'SUSPENDED';

export interface MaterializedTableDefinition {
  /** Serializable form, `` `cat`.`db`.`t` ``. */
  identifier: string;
  catalog: string;
  database: string;
  table: string;
  query: string;
  /** The CREATE statement as given. */
  statement: string;
  freshness: { interval: number; unit: 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY' };
  cronExpression: string;
  refreshMode: 'FULL';
  partitionKeys: string[];
  options: Record<string, string>;
  comment: string | null;
  columns: { name: string; type: string }[];
  timeZone: string;
}

/** Refresh status of one table (Snowflake/Temporal-style health on top of Flink's operations). */
export interface RefreshStatus {
  /** `idle` before the first refresh; otherwise the state of the running refresh or of the last one. */
  status: 'idle' | 'queued' | 'running' | 'retrying' | 'completed' | 'failed' | 'timed-out' | 'cancelled';
  /** 0..1 through the running refresh's transaction (begin, delete, insert, commit); null when none runs. */
  progress: number | null;
  /** Error of the last failed refresh or attempt. */
  errorMessage: string | null;
  /** Duration of the last finished refresh. */
  durationMs: number | null;
  /** Retries of the running or last refresh. */
  retryCount: number;
  /** False when the last scheduled refresh failed or the table suspended itself. */
  isHealthy: boolean;
  consecutiveFailures: number;
  /** ISO time of the last refresh that finished. */
  lastSuccessfulRefresh: string | null;
  running: OperationSummary[];
  queued: OperationSummary[];
  lastOperation: OperationSummary | null;
}

export interface OperationSummary {
  operationHandle: OperationHandle;
  status: OperationStatus;
  kind: 'periodic' | 'one-time';
  scheduleTime: string | null;
  partitions: Record<string, string>;
  attempt: number;
  retryCount: number;
  submittedAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  rowsWritten: number | null;
  rowsDeleted: number | null;
  error: string | null;
  nextAttemptAt: string | null;
  disposition: OperationState['disposition'];
}

export interface TableInfo {
  definition: MaterializedTableDefinition;
  status: TableStatus;
  /** The refresh handler's summary (Flink's `refreshHandlerDescription`). */
  refreshHandlerDescription: string | null;
  overlapPolicy: OverlapPolicy;
  suspendedBy: string | null;
  suspendReason: string | null;
  /** When a pause ends by itself (ISO), else null. */
  suspendedUntil: string | null;
  workflow: WorkflowInfo | null;
  refresh: RefreshStatus;
  /** How old the table's data is against its freshness (see TableQueries.lagOf). */
  lag: { dataTime: string | null; stalenessMs: number | null; freshnessMs: number; behind: boolean };
}
