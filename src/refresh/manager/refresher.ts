import { randomUUID } from 'node:crypto';
import { firstValueFrom, fromEvent, takeUntil } from 'rxjs';
import type { Clock } from '../../clock/index.ts';
import { timerAt } from '../../engine/index.ts';
import { FlinkExecutionError } from '../flink/index.ts';
import {
  isTerminalStatus,
  type OperationEvent,
  type OperationHandle,
  type OperationLog,
  type OperationState,
  type RecordContext,
  type RefreshSubmittedData,
  type RetryPolicy,
  retryDelayMs,
} from '../operations/index.ts';
import { RefreshCancelledError, RefreshTimeoutError, type RefreshPhase, type WarehouseExecutor } from '../warehouse/index.ts';
import { admit, type Lane } from './overlap.ts';
import type { TableState } from './table-events.ts';
import type { OverlapPolicy } from './types.ts';

/** A refresh to submit: what its RefreshSubmitted event records about the request, plus the table and its policy. */
export type SubmitRequest = Pick<
  RefreshSubmittedData,
  'kind' | 'scheduleTime' | 'partitions' | 'dynamicOptions' | 'executionConfig' | 'threads' | 'timeoutMs' | 'workflowId' | 'manual'
> & { table: TableState; policy: OverlapPolicy };

export interface SubmitResult {
  operationHandle?: OperationHandle;
  disposition: 'started' | 'queued' | 'skipped-overlap' | 'cancelled-other';
}

interface Running {
  controller: AbortController;
  cancelReason?: string;
}

/** What one attempt needs to know about its operation. */
type AttemptTarget = Pick<OperationState, 'operationHandle' | 'table' | 'partitions' | 'threads' | 'timeoutMs'>;
type AttemptOutcome = { kind: 'finished'; rowsWritten: number; rowsDeleted: number } | { kind: 'failed' | 'timeout'; message: string };

interface EarlyAttempt {
  controller: AbortController;
  outcome: Promise<AttemptOutcome>;
}

const PHASE_PROGRESS: Record<RefreshPhase, number> = { begin: 0.1, delete: 0.3, insert: 0.5, commit: 0.9 };
const SYSTEM: RecordContext = { actor: 'freshet-refresh', correlationId: 'freshet-refresh' };

/**
 * Runs refresh operations: one lane per table (one refresh at a time, so no partition is ever written twice at
 * once), the overlap policy at the lane's door, retries with backoff for scheduled refreshes, real cancellation,
 * and recovery of what a crash left unfinished.
 */
export class Refresher {
  private readonly lanes = new Map<string, Lane>();
  private readonly running = new Map<OperationHandle, Running>();
  private readonly progress = new Map<OperationHandle, number>();
  private readonly settled = new Map<OperationHandle, Set<(s: OperationState) => void>>();
  private readonly work = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly deps: {
      log: OperationLog;
      warehouse: WarehouseExecutor;
      clock: Clock;
      retry: RetryPolicy;
      /** The table's definition as it is now (undefined once dropped). */
      tableOf: (identifier: string) => TableState | undefined;
      onTerminal: (state: OperationState) => void;
      onError: (error: unknown, context: string) => void;
    },
  ) {}

  progressOf(handle: OperationHandle): number | null {
    return this.progress.get(handle) ?? null;
  }

  /** Admits a request through the table's overlap policy and records it; resolves once it is durably submitted. */
  async submit(req: SubmitRequest, ctx: RecordContext): Promise<SubmitResult> {
    const id = req.table.definition.identifier;
    const lane = this.lane(id);
    const decision = admit(lane, req.policy, req.kind);
    if (!decision.admit) return { disposition: decision.disposition };
    const handle = randomUUID();
    const startNow = lane.running === null && lane.queue.length === 0;
    // Take the lane's place synchronously, before any await, so concurrent submits see each other.
    if (startNow) lane.running = handle;
    else lane.queue.push(handle);
    for (const other of decision.cancel) void this.cancel(other, `cancelled by the overlapping refresh ${handle} (policy cancel-other)`, ctx).catch((e: unknown) => this.deps.onError(e, `cancel ${other}`));
    const data: RefreshSubmittedData = {
      operationHandle: handle,
      table: id,
      kind: req.kind,
      scheduleTime: req.scheduleTime,
      partitions: req.partitions,
      dynamicOptions: req.dynamicOptions,
      executionConfig: req.executionConfig,
      threads: req.threads,
      timeoutMs: req.timeoutMs,
      maxAttempts: req.kind === 'periodic' ? this.deps.retry.maxAttempts : 1,
      disposition: decision.disposition,
      workflowId: req.workflowId,
      manual: req.manual,
      submittedAt: this.deps.clock.now(),
    };
    const events: OperationEvent[] = [{ type: 'RefreshSubmitted', data }];
    // Submitted and the first attempt's start in one append when the lane is free: one write less per refresh.
    if (startNow) events.push({ type: 'RefreshAttemptStarted', data: { operationHandle: handle, table: id, attempt: 1, startedAt: data.submittedAt } });
    // The first attempt starts while that append is being fsync'd (DuckDB works on its own threads), so a durable
    // log costs a refresh one fsync, not two. Safe to overlap: if the append fails, the attempt is cancelled and
    // rolled back; if the process dies after DuckDB commits but before the append is durable, the fire's claim is
    // left without an outcome and is fired again on restart — an overwrite of the same partitions.
    const early = startNow ? this.startEarly({ operationHandle: handle, table: id, partitions: data.partitions, threads: data.threads, timeoutMs: data.timeoutMs }) : undefined;
    try {
      await this.deps.log.record(handle, () => events, ctx);
    } catch (error) {
      if (early) {
        early.controller.abort();
        await early.outcome;
        this.running.delete(handle);
      }
      if (lane.running === handle) lane.running = null;
      lane.queue = lane.queue.filter((h) => h !== handle);
      this.pump(id);
      throw error;
    }
    if (early) this.track(this.run(handle, true, early));
    else this.pump(id);
    return { operationHandle: handle, disposition: decision.disposition };
  }

  /** Cancels a queued, waiting or running operation. A running DuckDB statement is interrupted and rolled back. */
  async cancel(handle: OperationHandle, reason: string, ctx: RecordContext): Promise<OperationState> {
    const live = this.running.get(handle);
    if (live) {
      live.cancelReason ??= reason;
      live.controller.abort();
      return this.whenSettled(handle);
    }
    // Out of the queue first (synchronously), so the lane cannot start it while the cancel is being recorded.
    const table = this.deps.log.get(handle)?.table;
    const lane = table === undefined ? undefined : this.lanes.get(table);
    const wasQueued = lane?.queue.includes(handle) ?? false;
    if (lane) lane.queue = lane.queue.filter((h) => h !== handle);
    let state: OperationState;
    try {
      state = await this.deps.log.record(handle, (s) => {
        if (!s) throw new Error(`Operation ${handle} does not exist.`);
        return [{ type: 'RefreshCanceled', data: { operationHandle: handle, table: s.table, reason, canceledAt: this.deps.clock.now() } }];
      }, ctx);
    } catch (error) {
      if (lane && wasQueued) lane.queue.unshift(handle);
      throw error;
    }
    this.notify(state);
    return state;
  }

  /** Resolves when the operation reaches a terminal status. */
  whenSettled(handle: OperationHandle): Promise<OperationState> {
    const state = this.deps.log.get(handle);
    if (state && isTerminalStatus(state.status)) return Promise.resolve(state);
    return new Promise((resolve) => {
      const set = this.settled.get(handle) ?? new Set();
      set.add(resolve);
      this.settled.set(handle, set);
    });
  }

  /** Resolves once no refresh runs or waits (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }

  /** Cancels every operation of a table (DROP). */
  async cancelAll(table: string, reason: string, ctx: RecordContext): Promise<void> {
    const lane = this.lanes.get(table);
    if (!lane) return;
    const handles = [...lane.queue, ...(lane.running ? [lane.running] : [])];
    await Promise.all(handles.map((h) => this.cancel(h, reason, ctx).catch(() => undefined)));
  }

  /**
   * After a restart: operations that never started wait again in order; an attempt that was running when the
   * process died counts as failed — retried if it was scheduled and has attempts left, else ERROR. Nothing stays
   * RUNNING with no one running it.
   */
  async recover(states: OperationState[]): Promise<void> {
    const open = states.filter((s) => !isTerminalStatus(s.status)).sort((a, b) => a.submittedAt - b.submittedAt);
    for (const s of open) {
      const handle = s.operationHandle;
      if (!this.deps.tableOf(s.table)) {
        await this.deps.log.record(handle, () => [fail(s, 'The materialized table no longer exists; the refresh was abandoned.', this.deps.clock.now())], SYSTEM);
        continue;
      }
      if (s.status === 'RUNNING' && s.nextAttemptAt === null) {
        const message = `The refresh attempt ${s.attempt} was interrupted because freshet stopped while it ran; the table keeps its previous rows.`;
        const now = this.deps.clock.now();
        const retry = s.attempt < s.maxAttempts;
        const event: OperationEvent = retry
          ? { type: 'RefreshAttemptFailed', data: { operationHandle: handle, table: s.table, attempt: s.attempt, error: message, failedAt: now, retryAt: now + retryDelayMs(s.attempt, this.deps.retry) } }
          : fail(s, message, now);
        const after = await this.deps.log.record(handle, () => [event], SYSTEM);
        if (!retry) {
          this.deps.onTerminal(after);
          continue;
        }
      }
      this.lane(s.table).queue.push(handle);
    }
    for (const table of this.lanes.keys()) this.pump(table);
  }

  /** Stops timers and running statements without recording an end: the next start recovers them. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const r of this.running.values()) r.controller.abort();
    await this.whenIdle();
  }

  private lane(table: string): Lane {
    let lane = this.lanes.get(table);
    if (!lane) {
      lane = { running: null, queue: [] };
      this.lanes.set(table, lane);
    }
    return lane;
  }

  private pump(table: string): void {
    const lane = this.lanes.get(table);
    if (!lane || lane.running !== null || this.stopping) return;
    while (lane.queue.length > 0) {
      const next = lane.queue[0] as OperationHandle;
      const state = this.deps.log.get(next);
      if (!state) return; // still being submitted; its submit pumps again
      lane.queue.shift();
      if (isTerminalStatus(state.status)) continue;
      lane.running = next;
      this.track(this.run(next, false));
      return;
    }
  }

  private track(p: Promise<void>): void {
    this.work.add(p);
    void p.finally(() => this.work.delete(p));
  }

  /** Starts a first attempt before its operation is recorded; registered as running so a cancel reaches it. */
  private startEarly(target: AttemptTarget): EarlyAttempt {
    const controller = new AbortController();
    this.running.set(target.operationHandle, { controller });
    return { controller, outcome: this.attempt(target, controller.signal) };
  }

  private async run(handle: OperationHandle, startRecorded: boolean, early?: EarlyAttempt): Promise<void> {
    const live: Running = this.running.get(handle) ?? { controller: early?.controller ?? new AbortController() };
    const controller = live.controller;
    this.running.set(handle, live);
    let state = this.deps.log.get(handle) as OperationState;
    try {
      let recorded = startRecorded;
      for (;;) {
        if (state.nextAttemptAt !== null && !(await this.sleepUntil(state.nextAttemptAt, controller.signal))) break;
        if (controller.signal.aborted) break;
        const attempt = recorded ? state.attempt : state.attempt + 1;
        if (!recorded) {
          state = await this.deps.log.record(handle, () => [{ type: 'RefreshAttemptStarted', data: { operationHandle: handle, table: state.table, attempt, startedAt: this.deps.clock.now() } }], SYSTEM);
        }
        recorded = false;
        const outcome = await (early?.outcome ?? this.attempt(state, controller.signal));
        early = undefined;
        if (outcome.kind === 'finished') {
          state = await this.deps.log.record(handle, () => [{ type: 'RefreshFinished', data: { operationHandle: handle, table: state.table, attempt, rowsWritten: outcome.rowsWritten, rowsDeleted: outcome.rowsDeleted, finishedAt: this.deps.clock.now() } }], SYSTEM);
          break;
        }
        if (controller.signal.aborted) break;
        const now = this.deps.clock.now();
        if (attempt < state.maxAttempts && !this.stopping) {
          const retryAt = now + retryDelayMs(attempt, this.deps.retry);
          state = await this.deps.log.record(handle, () => [{ type: 'RefreshAttemptFailed', data: { operationHandle: handle, table: state.table, attempt, error: outcome.message, failedAt: now, retryAt } }], SYSTEM);
          continue;
        }
        const data = { operationHandle: handle, table: state.table, attempt, error: outcome.message, failedAt: now };
        state = await this.deps.log.record(handle, () => [outcome.kind === 'timeout' ? { type: 'RefreshTimedOut', data } : { type: 'RefreshFailed', data }], SYSTEM);
        break;
      }
      if (controller.signal.aborted && !isTerminalStatus(state.status) && live.cancelReason !== undefined) {
        const reason = live.cancelReason;
        state = await this.deps.log.record(handle, () => [{ type: 'RefreshCanceled', data: { operationHandle: handle, table: state.table, reason, canceledAt: this.deps.clock.now() } }], SYSTEM);
      }
    } catch (error) {
      this.deps.onError(error, `refresh operation ${handle}`);
    } finally {
      // Cancelled before its early attempt was consumed: let it roll back before the lane moves on.
      if (early) await early.outcome;
      this.running.delete(handle);
      this.progress.delete(handle);
      const lane = this.lanes.get(state.table);
      if (lane?.running === handle) lane.running = null;
      if (isTerminalStatus(state.status)) this.notify(state);
      this.pump(state.table);
    }
  }

  private async attempt(state: AttemptTarget, signal: AbortSignal): Promise<AttemptOutcome> {
    const table = this.deps.tableOf(state.table);
    if (!table) return { kind: 'failed', message: wrap(state.table, new Error('The materialized table no longer exists.')) };
    const d = table.definition;
    this.progress.set(state.operationHandle, 0);
    // Never hand the warehouse an already-aborted signal: its refresh() would leak the table lock it queued for.
    if (signal.aborted) return { kind: 'failed', message: 'The refresh was cancelled before it started.' };
    try {
      const result = await this.deps.warehouse.refresh({
        table: { catalog: d.catalog, database: d.database, table: d.table },
        query: d.query,
        partitions: state.partitions,
        signal,
        ...(state.threads !== null ? { threads: state.threads } : {}),
        ...(state.timeoutMs !== null ? { timeoutMs: state.timeoutMs } : {}),
        onPhase: (phase) => this.progress.set(state.operationHandle, PHASE_PROGRESS[phase]),
      });
      return { kind: 'finished', rowsWritten: result.rowsWritten, rowsDeleted: result.rowsDeleted };
    } catch (error) {
      if (error instanceof RefreshCancelledError && signal.aborted) return { kind: 'failed', message: error.message };
      return { kind: error instanceof RefreshTimeoutError ? 'timeout' : 'failed', message: wrap(state.table, error) };
    }
  }

  /** Waits on the injected clock; false when aborted first. */
  private async sleepUntil(dueMs: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    const fired = await firstValueFrom(timerAt(dueMs, this.deps.clock).pipe(takeUntil(fromEvent(signal, 'abort'))), { defaultValue: null });
    return fired !== null;
  }

  private notify(state: OperationState): void {
    const waiters = this.settled.get(state.operationHandle);
    this.settled.delete(state.operationHandle);
    for (const w of waiters ?? []) w(state);
    this.deps.onTerminal(state);
  }
}

/** Flink's wrapper message, with the cause underneath as Flink's operation error shows it. */
function wrap(table: string, error: unknown): string {
  const cause = error instanceof Error ? error.message : String(error);
  return `${new FlinkExecutionError(`Refreshing the materialized table ${table} occur exception.`).message}\nCaused by: ${cause}`;
}

function fail(s: OperationState, message: string, now: number): OperationEvent {
  return { type: 'RefreshFailed', data: { operationHandle: s.operationHandle, table: s.table, attempt: s.attempt, error: message, failedAt: now } };
}
