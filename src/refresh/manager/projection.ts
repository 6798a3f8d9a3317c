import { type EventStore, readPages } from '../../events/index.ts';
import {
  asOperationEvent,
  evolveOperation,
  OPERATION_STREAM_PREFIX,
  type OperationEvent,
  type OperationState,
} from '../operations/index.ts';
import { asTableEvent, TABLE_STREAM_PREFIX, type TableEvent } from './table-events.ts';
import type { OperationSummary, RefreshStatus } from './types.ts';

interface TableRefreshView {
  operations: Map<string, OperationState>;
  consecutiveFailures: number;
  lastSuccessAt: number | null;
  /** When the newest successful refresh began reading its sources: its data is at least this fresh. */
  dataTime: number | null;
  suspendedAutomatically: boolean;
  skippedFires: { scheduleTime: string | null; policy: string; skippedAt: number }[];
}

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

/**
 * Refresh status and history per table: a pure fold over table and operation events, fed live by the manager as it
 * appends and rebuilt from the log by `rebuildRefreshViews`; both give the same answer.
 */
export class RefreshViews {
  private readonly tables = new Map<string, TableRefreshView>();
  private readonly operations = new Map<string, OperationState>();
  /** `workflowId@nominalTime` → the operation that fire submitted. */
  private readonly byFire = new Map<string, string>();

  applyTable(event: TableEvent): void {
    const id = event.data.identifier;
    if (event.type === 'MaterializedTableCreating') {
      this.tables.set(id, { operations: new Map(), consecutiveFailures: 0, lastSuccessAt: null, dataTime: null, suspendedAutomatically: false, skippedFires: [] });
      return;
    }
    const view = this.tables.get(id);
    if (!view) return;
    if (event.type === 'MaterializedTableSuspended') view.suspendedAutomatically = event.data.automatic;
    if (event.type === 'MaterializedTableResumed') {
      view.suspendedAutomatically = false;
      view.consecutiveFailures = 0;
    }
    if (event.type === 'RefreshFireSkipped') view.skippedFires.push({ scheduleTime: event.data.scheduleTime, policy: event.data.policy, skippedAt: event.data.skippedAt });
  }

  applyOperation(event: OperationEvent): void {
    const handle = event.data.operationHandle;
    const state = evolveOperation(this.operations.get(handle), event);
    this.operations.set(handle, state);
    if (event.type === 'RefreshSubmitted' && event.data.workflowId !== null && event.data.nominalTime !== undefined) {
      this.byFire.set(`${event.data.workflowId}@${event.data.nominalTime}`, handle);
    }
    const view = this.tables.get(state.table);
    if (!view) return;
    view.operations.set(handle, state);
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

  /** The operation a workflow's fire at `nominalTime` submitted, if it submitted one. */
  operationOfFire(workflowId: string, nominalTime: number): OperationState | undefined {
    const handle = this.byFire.get(`${workflowId}@${nominalTime}`);
    return handle === undefined ? undefined : this.operations.get(handle);
  }

  /** The operation a backfill submitted for its partition `index`, if it submitted one. */
  operationOfBackfill(table: string, backfillId: string, index: number): OperationState | undefined {
    for (const op of this.tables.get(table)?.operations.values() ?? []) if (op.backfill?.id === backfillId && op.backfill.index === index) return op;
    return undefined;
  }

  operation(handle: string): OperationState | undefined {
    return this.operations.get(handle);
  }

  dataTime(table: string): number | null {
    return this.tables.get(table)?.dataTime ?? null;
  }

  consecutiveFailures(table: string): number {
    return this.tables.get(table)?.consecutiveFailures ?? 0;
  }

  status(table: string): RefreshStatus {
    const view = this.tables.get(table);
    const ops = view ? [...view.operations.values()].sort(byAge) : [];
    const running = ops.filter((o) => o.status === 'RUNNING');
    const queued = ops.filter((o) => o.status === 'PENDING' || o.status === 'INITIALIZED');
    const ended = ops.filter((o) => o.endedAt !== null && o.status !== 'CLOSED');
    const last = ended.sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0) || byAge(a, b)).at(-1) ?? null;
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

  /** Every operation of the table, oldest first, plus nothing else: skipped fires are in `skippedFires`. */
  history(table: string): RefreshHistoryEntry[] {
    const view = this.tables.get(table);
    if (!view) return [];
    return [...view.operations.values()].sort(byAge).map((o) => ({ table, ...summarize(o) }));
  }

  skippedFires(table: string): { scheduleTime: string | null; policy: string; skippedAt: string }[] {
    return (this.tables.get(table)?.skippedFires ?? []).map((s) => ({ ...s, skippedAt: new Date(s.skippedAt).toISOString() }));
  }

  tablesKnown(): string[] {
    return [...this.tables.keys()].sort();
  }

  /** A plain, comparable image of everything (for the rebuild-equals-live check). */
  snapshot(): Record<string, { status: RefreshStatus; history: RefreshHistoryEntry[] }> {
    const out: Record<string, { status: RefreshStatus; history: RefreshHistoryEntry[] }> = {};
    for (const table of this.tablesKnown()) out[table] = { status: this.status(table), history: this.history(table) };
    return out;
  }
}

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

/** Folds the whole log into fresh views: what the live views must equal. */
export async function rebuildRefreshViews(store: EventStore): Promise<RefreshViews> {
  const views = new RefreshViews();
  for await (const page of readPages(store, { filter: { streamPrefix: [TABLE_STREAM_PREFIX, OPERATION_STREAM_PREFIX] } })) {
    for (const recorded of page) {
      const table = asTableEvent(recorded);
      if (table) views.applyTable(table);
      const op = asOperationEvent(recorded);
      if (op) views.applyOperation(op);
    }
  }
  return views;
}
