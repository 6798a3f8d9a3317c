import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/index.ts';
import { type CommandContext, type EventStore, type RecordedEvent, SerialPerKey, StreamNotFoundError } from '../../events/index.ts';
import { scheduleOf } from '../../workflows/index.ts';
import { type MaterializedTableManager, partitionKey, type StatementContext } from '../manager/index.ts';
import { FlinkValidationError } from '../flink/index.ts';
import {
  BACKFILL_INDEX_STREAM,
  type BackfillEvent,
  type BackfillState,
  backfillStreamName,
  evolveBackfill,
  type PartitionOutcome,
  type Reprocess,
} from './events.ts';
import { partitionRuleOf } from './partition-rule.ts';
import { BackfillRangeError, planBackfill, type PlannedPartition } from './plan.ts';

/** Nominal times one backfill may span: a per-second schedule over ~46 days. */
export const MAX_NOMINAL_TIMES = 4_000_000;

export interface BackfillPlan {
  table: string;
  partitions: PlannedPartition[];
  /** Partitions of the range the table's refreshes already cover, left out by `reprocess`. */
  covered: PlannedPartition[];
}

const outcomeOf = (status: string): PartitionOutcome => (status === 'FINISHED' ? 'succeeded' : status === 'CANCELED' ? 'cancelled' : 'failed');

/**
 * Backfills as objects: a range of a table's nominal times becomes one refresh per distinct partition, run one
 * after another (a table's lane runs one refresh at a time anyway, so scheduled fires interleave instead of waiting
 * behind the whole backfill), each recorded in the backfill's own stream. A restart resumes where the stream says,
 * and a partition whose refresh was submitted is never submitted again (the operation carries the backfill's mark).
 */
export class BackfillService {
  private readonly byId = new Map<string, BackfillState>();
  private readonly runs = new Map<string, Promise<void>>();
  private readonly serial = new SerialPerKey();
  private stopping = false;
  /** Resolves at stop(): a run waiting on a long refresh lets go at once (the refresh itself carries on). */
  private readonly stopped: Promise<null>;
  private stop$!: () => void;

  constructor(private readonly deps: { store: EventStore; clock: Clock; tables: MaterializedTableManager; onError: (error: unknown, where: string) => void }) {
    this.stopped = new Promise((resolve) => (this.stop$ = () => resolve(null)));
  }

  /** Reads every backfill (the index stream, then each one's stream) and resumes the unfinished ones. */
  async open(): Promise<void> {
    for (const e of await this.read(BACKFILL_INDEX_STREAM)) {
      const id = (e.data as { backfillId: string }).backfillId;
      const state = this.fold(await this.read(backfillStreamName(id)));
      if (state) this.byId.set(id, state);
    }
    for (const s of this.byId.values()) if (s.finishedAt === null) this.run(s.backfillId);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stop$();
    await Promise.allSettled([...this.runs.values()]);
  }

  async plan(identifier: string, from: number, to: number, reprocess: Reprocess): Promise<BackfillPlan> {
    if (!(from < to)) throw new FlinkValidationError(`A backfill range [from, to) must not be empty: from ${new Date(from).toISOString()} is not before to ${new Date(to).toISOString()}.`);
    const info = await this.deps.tables.getTable(identifier);
    const w = info.workflow;
    if (!w) throw new FlinkValidationError(`Materialized table ${info.definition.identifier} has no refresh workflow, so it has no schedule to backfill.`);
    const rule = partitionRuleOf(info.definition, w.timeZone);
    const schedule = scheduleOf(w.cronExpression, w.timeZone, w.cronDialect);
    let all: PlannedPartition[];
    try {
      all = planBackfill({ schedule, from, to, partitionOf: rule.partitionOf, bucketOf: rule.bucketOf, maxNominalTimes: MAX_NOMINAL_TIMES });
    } catch (error) {
      if (error instanceof BackfillRangeError) throw new FlinkValidationError(error.message);
      throw error;
    }
    const last = await this.deps.tables.lastRefreshByPartition(info.definition.identifier);
    const covered = (p: PlannedPartition) => {
      const status = last.get(partitionKey(p.partition));
      if (reprocess === 'all' || status === undefined) return false;
      return reprocess === 'none' || status === 'FINISHED' || status === 'RUNNING' || status === 'PENDING' || status === 'INITIALIZED';
    };
    return { table: info.definition.identifier, partitions: all.filter((p) => !covered(p)), covered: all.filter(covered) };
  }

  /** Plans and records the backfill, then runs it in the background; resolves with its first state. */
  async start(identifier: string, from: number, to: number, reprocess: Reprocess, request: StatementContext): Promise<BackfillState> {
    const ctx = contextOf(request);
    const plan = await this.plan(identifier, from, to, reprocess);
    const backfillId = randomUUID();
    const requested: BackfillEvent = {
      type: 'BackfillRequested',
      data: { backfillId, table: plan.table, from, to, reprocess, partitions: plan.partitions, covered: plan.covered.length, requestedAt: this.deps.clock.now() },
    };
    await this.deps.store.appendToStream(backfillStreamName(backfillId), [this.envelope(requested, ctx)], { expectedVersion: 'no_stream' });
    // The index is appended after the backfill's own stream: a crash between them leaves a stream no one lists,
    // never a listed backfill without its plan.
    await this.serial.run(BACKFILL_INDEX_STREAM, () => this.deps.store.appendToStream(BACKFILL_INDEX_STREAM, [this.envelope({ type: 'BackfillIndexed', data: { backfillId } }, ctx)]));
    const state = evolveBackfill(undefined, requested, ctx.actor)!;
    this.byId.set(backfillId, state);
    this.run(backfillId);
    return state;
  }

  /** Newest first; `table` in any form a table is named by (orders, db.orders, its serializable identifier). */
  async list(table?: string): Promise<BackfillState[]> {
    const id = table === undefined ? undefined : (await this.deps.tables.getTable(table)).definition.identifier;
    return [...this.byId.values()].filter((b) => id === undefined || b.table === id).sort((a, b) => b.requestedAt - a.requestedAt);
  }

  get(id: string): BackfillState | undefined {
    return this.byId.get(id);
  }

  /** Stops submitting and cancels the partition's refresh that is running. */
  async cancel(id: string, request: StatementContext): Promise<BackfillState> {
    const ctx = contextOf(request);
    const s = this.byId.get(id);
    if (!s) throw new FlinkValidationError(`Backfill '${id}' does not exist.`);
    if (s.finishedAt !== null || s.cancelled) return s;
    await this.record(id, [{ type: 'BackfillCancelled', data: { at: this.deps.clock.now() } }], ctx);
    const running = s.partitions.find((p) => p.operationHandle !== null && p.outcome === null);
    if (running) await this.deps.tables.cancelRefresh(s.table, running.operationHandle!, ctx).catch(() => undefined);
    await this.runs.get(id);
    return this.byId.get(id)!;
  }

  private run(id: string): void {
    if (this.runs.has(id)) return;
    const ctx: CommandContext = { actor: 'freshet-backfill', correlationId: id };
    const work = this.drive(id, ctx)
      .catch((error: unknown) => this.deps.onError(error, `backfill ${id}`))
      .finally(() => this.runs.delete(id));
    this.runs.set(id, work);
  }

  private async drive(id: string, ctx: CommandContext): Promise<void> {
    for (let index = 0; ; index++) {
      const s = this.byId.get(id)!;
      if (this.stopping) return;
      if (s.cancelled || index >= s.partitions.length) break;
      const p = s.partitions[index]!;
      if (p.outcome !== null) continue;
      const handle = await this.deps.tables.refreshForBackfill(s.table, p.partition, { id, index }, ctx);
      if (p.operationHandle === null) await this.record(id, [{ type: 'BackfillPartitionSubmitted', data: { index, operationHandle: handle, at: this.deps.clock.now() } }], ctx);
      const done = await Promise.race([this.deps.tables.waitForOperation(handle), this.stopped]);
      if (done === null || this.stopping) return;
      const outcome = outcomeOf(done.status);
      await this.record(id, [{ type: 'BackfillPartitionSettled', data: { index, operationHandle: handle, outcome, error: done.error, at: this.deps.clock.now() } }], ctx);
    }
    await this.record(id, [{ type: 'BackfillFinished', data: { at: this.deps.clock.now() } }], ctx);
  }

  /** Appends at the version the state was folded from: a second writer (another node) is a conflict, not a fork. */
  private async record(id: string, events: BackfillEvent[], ctx: CommandContext): Promise<void> {
    await this.serial.run(id, async () => {
      const before = this.byId.get(id)!;
      await this.deps.store.appendToStream(backfillStreamName(id), events.map((e) => this.envelope(e, ctx)), { expectedVersion: before.version });
      let state: BackfillState | undefined = before;
      for (const e of events) state = evolveBackfill(state, e, ctx.actor);
      this.byId.set(id, state!);
    });
  }

  private envelope(e: { type: string; data: unknown }, ctx: CommandContext) {
    return { type: e.type, schemaVersion: 1, data: e.data, metadata: { ...ctx, occurredAt: new Date(this.deps.clock.now()).toISOString() } };
  }

  private fold(events: RecordedEvent[]): BackfillState | undefined {
    let state: BackfillState | undefined;
    for (const e of events) state = evolveBackfill(state, { type: e.type, data: e.data } as BackfillEvent, e.metadata.actor);
    return state;
  }

  private async read(stream: string): Promise<RecordedEvent[]> {
    try {
      return await this.deps.store.readStream(stream);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }
}

/** The status of the newest refresh of each partition (history is oldest first). */
/** Who asked, as every event of freshet records it. */
function contextOf(request: StatementContext): CommandContext {
  return { actor: request.actor ?? 'anonymous', correlationId: request.correlationId ?? randomUUID(), ...(request.reason ? { reason: request.reason } : {}) };
}
