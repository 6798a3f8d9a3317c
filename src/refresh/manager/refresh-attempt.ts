import { FlinkExecutionError } from '../flink/index.ts';
import type { OperationState } from '../operations/index.ts';
import { RefreshCancelledError, RefreshTimeoutError, type RefreshPhase, type WarehouseExecutor } from '../warehouse/index.ts';
import type { TableState } from './table-events.ts';

/** What one attempt needs to know about its operation. */
export type AttemptTarget = Pick<OperationState, 'operationHandle' | 'table' | 'partitions' | 'threads' | 'timeoutMs'>;
export type AttemptOutcome = { kind: 'finished'; rowsWritten: number; rowsDeleted: number } | { kind: 'failed' | 'timeout'; message: string };

const PHASE_PROGRESS: Record<RefreshPhase, number> = { begin: 0.1, delete: 0.3, insert: 0.5, commit: 0.9 };

/**
 * One attempt of a refresh: the table's query over its partitions in one DuckDB transaction. Never throws: a
 * failure, a timeout or a cancel is its outcome, in Flink's words. `onProgress` hears 0..1 through the transaction.
 */
export async function attemptRefresh(
  warehouse: WarehouseExecutor,
  table: TableState | undefined,
  target: AttemptTarget,
  signal: AbortSignal,
  onProgress: (progress: number) => void,
): Promise<AttemptOutcome> {
  if (!table) return { kind: 'failed', message: wrap(target.table, new Error('The materialized table no longer exists.')) };
  const d = table.definition;
  onProgress(0);
  // Never hand the warehouse an already-aborted signal: its refresh() would leak the table lock it queued for.
  if (signal.aborted) return { kind: 'failed', message: 'The refresh was cancelled before it started.' };
  try {
    const result = await warehouse.refresh({
      table: { catalog: d.catalog, database: d.database, table: d.table },
      query: d.query,
      partitions: target.partitions,
      signal,
      ...(target.timeoutMs !== null ? { timeoutMs: target.timeoutMs } : {}),
      onPhase: (phase) => onProgress(PHASE_PROGRESS[phase]),
    });
    return { kind: 'finished', rowsWritten: result.rowsWritten, rowsDeleted: result.rowsDeleted };
  } catch (error) {
    if (error instanceof RefreshCancelledError && signal.aborted) return { kind: 'failed', message: error.message };
    return { kind: error instanceof RefreshTimeoutError ? 'timeout' : 'failed', message: wrap(target.table, error) };
  }
}

/** Flink's wrapper message, with the cause underneath as Flink's operation error shows it. */
function wrap(table: string, error: unknown): string {
  const cause = error instanceof Error ? error.message : String(error);
  return `${new FlinkExecutionError(`Refreshing the materialized table ${table} occur exception.`).message}\nCaused by: ${cause}`;
}
