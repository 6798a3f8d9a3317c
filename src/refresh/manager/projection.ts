import type { OperationEvent, OperationState } from '../operations/index.ts';
import { blankSummary, endedOpen, SKIPPED_KEPT, type StoredTable, type TableSummary } from './read-model.ts';
import type { TableEvent } from './table-events.ts';
import type { OperationSummary, RefreshStatus } from './types.ts';

export interface RefreshHistoryEntry extends OperationSummary {
  table: string;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function summarize(s: OperationState): OperationSummary {
  return {
    operationHandle: s.operationHandle,
    status: s.status,
    kind: s.kind,
    scheduleTime: s.scheduleTime,
    partitions: s.partitions,
    attempt: s.attempt,
    retryCount: s.retryCount,
    submittedAt: new Date(s.submittedAt).toISOString(),
    startedAt: iso(s.startedAt),
    endedAt: iso(s.endedAt),
    durationMs: s.durationMs,
    rowsWritten: s.rowsWritten,
    rowsDeleted: s.rowsDeleted,
    error: s.error,
    nextAttemptAt: iso(s.nextAttemptAt),
    disposition: s.disposition,
  };
}

/**
 * Oldest first. Ties (two submissions in one millisecond) keep the order the operations were first seen, which is
 * the log's order both live and on rebuild (Map insertion order; the sort is stable) — not their random handles.
 */
const byAge = (a: OperationState, b: OperationState) => a.submittedAt - b.submittedAt;

const ENDS = new Set<OperationEvent['type']>(['RefreshFinished', 'RefreshFailed', 'RefreshTimedOut', 'RefreshCanceled']);

/**
 * Each table's refresh status as a small summary folded from table and operation events, plus the operations held
 * in memory (every one in flight, and ended ones until the read model has saved them). Fed live by the manager as it
 * appends and by its reads of the log (each event once: the callers fold only what is new to them); a table with a
 * million past refreshes costs its summary, never its history, which the read model answers.
 */
export class RefreshViews {
  private readonly tables = new Map<string, TableSummary>();
  private readonly operations = new Map<string, OperationState>();
  /** The held operations of each table, in the order they were first seen (the log's). */
  private readonly byTable = new Map<string, Set<string>>();
  /** `workflowId@nominalTime` → the held operation that fire submitted. */
  private readonly byFire = new Map<string, string>();

  restore(tables: readonly StoredTable[], open: readonly OperationState[]): void {
    for (const t of tables) this.tables.set(t.state.definition.identifier, t.summary);
    for (const s of open) this.hold(s);
  }

  applyTable(event: TableEvent): void {
    const id = event.data.identifier;
    if (event.type === 'MaterializedTableCreating') {
      this.tables.set(id, blankSummary());
      return;
    }
    const view = this.tables.get(id);
    if (!view) return;
    if (event.type === 'MaterializedTableSuspended') view.suspendedAutomatically = event.data.automatic;
    if (event.type === 'MaterializedTableResumed') {
      view.suspendedAutomatically = false;
      view.consecutiveFailures = 0;
    }
    if (event.type === 'RefreshFireSkipped') {
      view.skippedFires.push({ scheduleTime: event.data.scheduleTime, policy: event.data.policy, skippedAt: event.data.skippedAt });
      if (view.skippedFires.length > SKIPPED_KEPT) view.skippedFires.splice(0, view.skippedFires.length - SKIPPED_KEPT);
    }
  }

  /** Folds one operation event, with the state it leaves the operation in. */
  applyOperation(event: OperationEvent, state: OperationState): void {
    this.hold(state);
    const view = this.tables.get(state.table);
    if (!view) return;
    if (event.type === 'RefreshSubmitted') view.operations += 1;
    if (ENDS.has(event.type) && (view.last === null || view.last === 'unknown' || !isOlder(state, view.last))) view.last = state;
    else if (typeof view.last === 'object' && view.last?.operationHandle === state.operationHandle) view.last = endedOpen(state) ? state : 'unknown';
    // A backfill of an old partition is not fresher data: only a refresh that began later moves the data time.
    if (event.type === 'RefreshFinished' && state.startedAt !== null && state.backfill === undefined) view.dataTime = Math.max(view.dataTime ?? 0, state.startedAt);
    if (state.kind !== 'periodic') {
      if (event.type === 'RefreshFinished') view.lastSuccessAt = event.data.finishedAt;
      return;
    }
    if (event.type === 'RefreshFinished') {
      view.lastSuccessAt = event.data.finishedAt;
      view.consecutiveFailures = 0;
    } else if (event.type === 'RefreshFailed' || event.type === 'RefreshTimedOut') {
      view.consecutiveFailures += 1;
    }
  }

  /** Lets go of an ended operation the read model has saved. */
  release(handle: string): void {
    const s = this.operations.get(handle);
    if (!s) return;
    this.operations.delete(handle);
    this.byTable.get(s.table)?.delete(handle);
    if (s.workflowId !== null && s.nominalTime !== undefined && this.byFire.get(`${s.workflowId}@${s.nominalTime}`) === handle) this.byFire.delete(`${s.workflowId}@${s.nominalTime}`);
  }

  /** The held operation a workflow's fire at `nominalTime` submitted, if it is held. */
  operationOfFire(workflowId: string, nominalTime: number): OperationState | undefined {
    const handle = this.byFire.get(`${workflowId}@${nominalTime}`);
    return handle === undefined ? undefined : this.operations.get(handle);
  }

  /** The held operation a backfill submitted for its partition `index`, if it is held. */
  operationOfBackfill(table: string, backfillId: string, index: number): OperationState | undefined {
    for (const op of this.held(table)) if (op.backfill?.id === backfillId && op.backfill.index === index) return op;
    return undefined;
  }

  operation(handle: string): OperationState | undefined {
    return this.operations.get(handle);
  }

  summary(table: string): TableSummary | undefined {
    return this.tables.get(table);
  }

  dataTime(table: string): number | null {
    return this.tables.get(table)?.dataTime ?? null;
  }

  consecutiveFailures(table: string): number {
    return this.tables.get(table)?.consecutiveFailures ?? 0;
  }

  /** The held operations of a table, oldest first. */
  held(table: string): OperationState[] {
    return [...(this.byTable.get(table) ?? [])].map((h) => this.operations.get(h)!);
  }

  /**
   * The table's status. `last` is the newest ended operation that is not closed (the summary's, or what the read
   * model answered when the summary's was closed).
   */
  status(table: string, last: OperationState | null): RefreshStatus {
    const view = this.tables.get(table);
    const ops = this.held(table).sort(byAge);
    const running = ops.filter((o) => o.status === 'RUNNING');
    const queued = ops.filter((o) => o.status === 'PENDING' || o.status === 'INITIALIZED');
    const current = running[0] ?? null;
    const failures = view?.consecutiveFailures ?? 0;
    return {
      status: current ? (current.nextAttemptAt !== null ? 'retrying' : 'running') : queued.length > 0 ? 'queued' : last ? STATUS_OF[last.status] : 'idle',
      progress: null,
      errorMessage: current?.error ?? last?.error ?? null,
      durationMs: last?.durationMs ?? null,
      retryCount: (current ?? last)?.retryCount ?? 0,
      isHealthy: failures === 0 && !(view?.suspendedAutomatically ?? false),
      consecutiveFailures: failures,
      lastSuccessfulRefresh: iso(view?.lastSuccessAt ?? null),
      running: running.map(summarize),
      queued: queued.map(summarize),
      lastOperation: last ? summarize(last) : null,
    };
  }

  skippedFires(table: string): { scheduleTime: string | null; policy: string; skippedAt: string }[] {
    return (this.tables.get(table)?.skippedFires ?? []).map((s) => ({ ...s, skippedAt: new Date(s.skippedAt).toISOString() }));
  }

  tablesKnown(): string[] {
    return [...this.tables.keys()].sort();
  }

  private hold(state: OperationState): void {
    if (!this.operations.has(state.operationHandle)) {
      const set = this.byTable.get(state.table) ?? new Set<string>();
      set.add(state.operationHandle);
      this.byTable.set(state.table, set);
      if (state.workflowId !== null && state.nominalTime !== undefined) this.byFire.set(`${state.workflowId}@${state.nominalTime}`, state.operationHandle);
    }
    this.operations.set(state.operationHandle, state);
  }
}

/** Whether `a` ended before `b` (ties: submitted before): `b` stays the last one. */
const isOlder = (a: OperationState, b: OperationState): boolean =>
  (a.endedAt ?? 0) !== (b.endedAt ?? 0) ? (a.endedAt ?? 0) < (b.endedAt ?? 0) : a.submittedAt < b.submittedAt;

const STATUS_OF: Record<OperationState['status'], RefreshStatus['status']> = {
  INITIALIZED: 'queued',
  PENDING: 'queued',
  RUNNING: 'running',
  FINISHED: 'completed',
  ERROR: 'failed',
  TIMEOUT: 'timed-out',
  CANCELED: 'cancelled',
  CLOSED: 'completed',
};
