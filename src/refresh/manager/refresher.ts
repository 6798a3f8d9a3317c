import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/index.ts';
import type { CommandContext } from '../../events/index.ts';
import type { FireDisposition } from '../../workflows/index.ts';
import {
  isTerminalStatus,
  type OperationEvent,
  type OperationHandle,
  type OperationLog,
  type OperationState,
  type RefreshSubmittedData,
  type RetryPolicy,
} from '../operations/index.ts';
import type { WarehouseExecutor } from '../warehouse/index.ts';
import { admit, type Lane } from './overlap.ts';
import { recoverOperations } from './recover-operations.ts';
import { type AttemptOutcome, type AttemptTarget, attemptRefresh } from './refresh-attempt.ts';
import { type RunCursor, runAttempts, sleepFor } from './retry-loop.ts';
import type { TableState } from './table-events.ts';
import type { OverlapPolicy } from './types.ts';

/** A refresh to submit: what its RefreshSubmitted event records about the request, plus the table and its policy. */
export type SubmitRequest = Pick<
  RefreshSubmittedData,
  'kind' | 'scheduleTime' | 'partitions' | 'dynamicOptions' | 'executionConfig' | 'threads' | 'timeoutMs' | 'workflowId' | 'nominalTime' | 'manual' | 'backfill'
> & { table: TableState; policy: OverlapPolicy };

export interface SubmitResult {
  operationHandle?: OperationHandle;
  disposition: FireDisposition;
  /** A request the overlap policy skipped: the operation running then. */
  yieldedTo?: OperationHandle;
}

interface Running {
  controller: AbortController;
  cancelReason?: string;
}

interface EarlyAttempt {
  controller: AbortController;
  outcome: Promise<AttemptOutcome>;
}

/**
 * Runs refresh operations: one lane per table (one refresh at a time, so no partition is ever written twice at
 * once), the overlap policy at the lane's door, and real cancellation. An operation's attempts and retries run in
 * retry-loop.ts, one attempt in refresh-attempt.ts; what a crash left unfinished is settled by recover-operations.ts.
 * Over 250 lines because lanes, running attempts, progress and waiters are one piece of state with one invariant
 * (an operation is in exactly one of them until it settles); split, each file would have to trust the other's.
 */
export class Refresher {
  private readonly lanes = new Map<string, Lane>();
  private readonly running = new Map<OperationHandle, Running>();
  private readonly progress = new Map<OperationHandle, number>();
  private readonly settled = new Map<OperationHandle, Set<(s: OperationState) => void>>();
  private readonly work = new Set<Promise<void>>();
  private stopping = false;
  /** When stop() cut the refreshes still running after its grace period; they are recorded failed at this time. */
  private interruptedAt: number | undefined;

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
  async submit(req: SubmitRequest, ctx: CommandContext): Promise<SubmitResult> {
    const id = req.table.definition.identifier;
    const lane = this.lane(id);
    const decision = admit(lane, req.policy, req.kind);
    if (!decision.admit) return { disposition: decision.disposition, ...(lane.running ? { yieldedTo: lane.running } : {}) };
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
      ...(req.nominalTime !== undefined ? { nominalTime: req.nominalTime } : {}),
      ...(req.backfill ? { backfill: req.backfill } : {}),
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
  async cancel(handle: OperationHandle, reason: string, ctx: CommandContext): Promise<OperationState> {
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
  async cancelAll(table: string, reason: string, ctx: CommandContext): Promise<void> {
    const lane = this.lanes.get(table);
    if (!lane) return;
    const handles = [...lane.queue, ...(lane.running ? [lane.running] : [])];
    await Promise.all(handles.map((h) => this.cancel(h, reason, ctx).catch(() => undefined)));
  }

  /** After a restart: settles what a crash left running (see recover-operations.ts) and queues the rest again. */
  async recover(states: OperationState[]): Promise<void> {
    for (const s of await recoverOperations(states, this.deps)) this.lane(s.table).queue.push(s.operationHandle);
    for (const table of this.lanes.keys()) this.pump(table);
  }

  /** Stops timers and running statements without recording an end: the next start recovers them. */
  async stop(graceMs = 0): Promise<void> {
    this.stopping = true;
    // Running refreshes get the grace period to finish; the retry waits and queued ones do not start (pump).
    // No grace is no wait at all: not even a timer's turn, which a stopped or virtual clock may never give.
    if (graceMs > 0) {
      const timeUp = new AbortController();
      await Promise.race([this.whenIdle(), sleepFor(graceMs, this.deps.clock, timeUp.signal)]);
      timeUp.abort();
    }
    this.interruptedAt = this.deps.clock.now();
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
    this.running.set(handle, live);
    const cursor: RunCursor = { state: this.deps.log.get(handle) as OperationState, early: early?.outcome };
    try {
      await runAttempts(handle, cursor, live.controller.signal, () => live.cancelReason, startRecorded, {
        ...this.deps,
        stopping: () => this.stopping,
        interruptedAt: () => this.interruptedAt,
        attempt: (state, signal) => this.attempt(state, signal),
      });
    } catch (error) {
      this.deps.onError(error, `refresh operation ${handle}`);
    } finally {
      // Cancelled before its early attempt was consumed: let it roll back before the lane moves on.
      if (cursor.early) await cursor.early;
      const { state } = cursor;
      this.running.delete(handle);
      this.progress.delete(handle);
      const lane = this.lanes.get(state.table);
      if (lane?.running === handle) lane.running = null;
      if (isTerminalStatus(state.status)) this.notify(state);
      this.pump(state.table);
    }
  }

  private attempt(target: AttemptTarget, signal: AbortSignal): Promise<AttemptOutcome> {
    return attemptRefresh(this.deps.warehouse, this.deps.tableOf(target.table), target, signal, (p) => this.progress.set(target.operationHandle, p));
  }

  private notify(state: OperationState): void {
    const waiters = this.settled.get(state.operationHandle);
    this.settled.delete(state.operationHandle);
    for (const w of waiters ?? []) w(state);
    this.deps.onTerminal(state);
  }
}
