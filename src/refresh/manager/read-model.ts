import type { Checkpoint, ReadModelLocation } from '../../projections/index.ts';
import type { OperationHandle, OperationState, OperationStatus } from '../operations/index.ts';
import type { TableState } from './table-events.ts';

/** A fire the overlap policy dropped, as the table's status shows it. */
export interface SkippedFire {
  scheduleTime: string | null;
  policy: string;
  skippedAt: number;
}

/**
 * What a table's refresh status needs beyond its operations in flight, folded incrementally so it never needs the
 * table's whole history: a table with a million past refreshes costs these few fields.
 */
export interface TableSummary {
  consecutiveFailures: number;
  lastSuccessAt: number | null;
  /** When the newest successful refresh began reading its sources: its data is at least this fresh. */
  dataTime: number | null;
  suspendedAutomatically: boolean;
  /** The newest skipped fires, newest last (at most SKIPPED_KEPT: the ledger has every one). */
  skippedFires: SkippedFire[];
  /** Operations ever submitted for the table: the total an operations page reports. */
  operations: number;
  /**
   * The newest ended operation that is not closed (what the status calls the last one); `null` when there is none,
   * `'unknown'` after that one was closed, until the read model is asked for the one before it.
   */
  last: OperationState | null | 'unknown';
}

export const SKIPPED_KEPT = 100;

export const blankSummary = (): TableSummary => ({ consecutiveFailures: 0, lastSuccessAt: null, dataTime: null, suspendedAutomatically: false, skippedFires: [], operations: 0, last: null });

export interface StoredTable {
  state: TableState;
  summary: TableSummary;
}

/** An operation as saved, with `seq`: the log position of its submission, which orders a table's operations. */
export interface StoredOperation {
  state: OperationState;
  seq: number;
}

export interface LoadedRefreshModel {
  checkpoint: Checkpoint;
  tables: StoredTable[];
  /** Operations not yet ended: the only ones held in memory from the start. */
  open: StoredOperation[];
  /** The highest `seq` of any operation saved (0: none): an operation submitted after it cannot have a row. */
  lastSeq: number;
}

/** A page of a table's operations, newest first; `next` is the cursor of the page after it (older), if any. */
export interface OperationsPage {
  operations: StoredOperation[];
  next: number | null;
}

/**
 * The refresh read model: every table and every operation ever submitted, one row each, indexed by table and
 * submission, by fire and by backfill, with the log position it reflects. The manager starts from it (tables and
 * open operations only) and reads finished operations from it on demand, so neither its start nor its memory grows
 * with the log. A cache of the log like the WorkflowInfo rows: lost or emptied, it is rebuilt from the log.
 */
export interface RefreshReadModel {
  /** Where it is kept, for the message that refuses one ahead of its log (none: kept in memory, never ahead). */
  readonly location?: ReadModelLocation;
  load(): Promise<LoadedRefreshModel>;
  /** Saves rows (each taking only a newer version) and the checkpoint they reflect at least, atomically. */
  save(checkpoint: Checkpoint, tables: readonly StoredTable[], operations: readonly StoredOperation[]): Promise<void>;
  operation(handle: OperationHandle): Promise<OperationState | undefined>;
  operationOfFire(workflowId: string, nominalTime: number): Promise<OperationState | undefined>;
  operationOfBackfill(table: string, backfillId: string, index: number): Promise<OperationState | undefined>;
  /** Newest first, strictly older than the cursor `before` (a `seq`) when given. */
  operations(table: string, page: { before?: number; limit: number }): Promise<OperationsPage>;
  /** Oldest first: every operation of the table (what a full history asks; a backfill's plan reads it by partition). */
  allOperations(table: string): AsyncIterable<StoredOperation>;
  /** The newest ended operation of the table that is not closed. */
  lastEnded(table: string): Promise<OperationState | undefined>;
  /** Per partition (its key: partitionKey), the status of the newest operation that refreshed it. */
  lastByPartition(table: string): Promise<Map<string, OperationStatus>>;
}

/** A partition spec as one comparable key (names sorted): how operations and a backfill's plan match partitions. */
export const partitionKey = (p: Readonly<Record<string, string>>): string => JSON.stringify(Object.entries(p).sort(([a], [b]) => (a < b ? -1 : 1)));

/** Ended and not closed: what a status calls the last operation. */
export const endedOpen = (s: OperationState): boolean => s.endedAt !== null && s.status !== 'CLOSED';

/** Which of two ended operations is the newer last one: by end, then submission, then log order. */
export const newerLast = (a: StoredOperation, b: StoredOperation): boolean =>
  (a.state.endedAt ?? 0) !== (b.state.endedAt ?? 0) ? (a.state.endedAt ?? 0) > (b.state.endedAt ?? 0) : a.state.submittedAt !== b.state.submittedAt ? a.state.submittedAt > b.state.submittedAt : a.seq > b.seq;
