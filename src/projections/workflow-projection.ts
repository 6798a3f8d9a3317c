import type { Subscription } from 'rxjs';
import { type EventStore, readPages, type RecordedEvent } from '../events/index.ts';
import { evolve, WORKFLOW_STREAM_PREFIX, type WorkflowEvent } from '../workflows/index.ts';
import { checkCheckpoint, eventFingerprint } from './checkpoint.ts';
import type { Checkpoint, ProjectedWorkflow, ProjectionPersistence } from './persistence.ts';
import { statusOf, toWorkflowInfo, type WorkflowInfo } from './workflow-info.ts';
import { UnreadableEventError } from './errors.ts';
import { workflowEventProblem } from './workflow-event-schema.ts';
import { addEvent, batchSize, emptyBatch, mergeRows, type OccurrenceBatch } from './occurrence-writes.ts';
import type { OccurrenceIndex } from './occurrence-reads.ts';

/** Pages of the catch-up at start: small enough for a cheap garbage collector (as rebuild.ts). */
const PAGE = 2_000;
/** Ledger writes held before a save during a long catch-up (a ledger rebuilt from the log), to bound memory. */
const CATCH_UP_SAVE = 20_000;

const idOf = (e: RecordedEvent): string => e.streamName.slice(WORKFLOW_STREAM_PREFIX.length);

/**
 * Folds one event into the rows; a no-op for an event already applied, so feeding the log twice is harmless. An
 * event that does not parse under its schema version, or that evolve cannot take, throws UnreadableEventError
 * naming `log`, its position and its stream.
 */
export function applyWorkflowEvent(rows: Map<string, ProjectedWorkflow>, e: RecordedEvent, log = 'the event log'): boolean {
  if (!e.streamName.startsWith(WORKFLOW_STREAM_PREFIX)) return false;
  const id = idOf(e);
  const row = rows.get(id);
  if (row && e.version <= row.version) return false;
  const problem = workflowEventProblem(e);
  if (problem) throw new UnreadableEventError(log, e.position, e.streamName, problem);
  let state;
  try {
    state = evolve(row?.state, { type: e.type, data: e.data } as WorkflowEvent, e.metadata);
  } catch (error) {
    throw new UnreadableEventError(log, e.position, e.streamName, `${e.type} cannot be applied (${(error as Error).message})`);
  }
  if (!state) return false;
  rows.set(id, { state, version: e.version });
  return true;
}

/**
 * The WorkflowInfo read model: loaded from its checkpoint, fed by a subscription to the log, saved in batches.
 * `waitFor(position)` lets a caller read its own writes.
 */
export class WorkflowProjection {
  private rows = new Map<string, ProjectedWorkflow>();
  /** Workflow ids by creation time (then id), as lists answer: kept in order as workflows appear, not sorted per read. */
  private order: string[] = [];
  /** The same order per table (backticks removed) and per status: a page never visits every row. */
  private byTable = new Map<string, string[]>();
  private byStatus: Record<WorkflowInfo['status'], string[]> = { ACTIVE: [], SUSPENDED: [], DELETED: [] };
  private readonly dirty = new Map<string, ProjectedWorkflow>();
  private applied = 0;
  /** The indexed ledger's writes since the last save, and the position they bring it to. */
  private ledger: OccurrenceBatch = emptyBatch();
  private ledgerAt = 0;
  /** Saves run one after another: a later save must never land before an earlier one. */
  private saving: Promise<void> = Promise.resolve();
  /** The fingerprint of the event at `applied`, saved with it (checkpoint.ts). */
  private appliedEvent: string | null = null;
  /** Callers waiting to read their own writes, ordered by position: each event wakes only the ones it reaches. */
  private readonly waiters: { position: number; resolve: () => void }[] = [];
  private subscription?: Subscription;
  private flushTimer?: NodeJS.Timeout;
  /** Only a started projection saves: one refused at open must not overwrite the checkpoint it was refused for. */
  private started = false;

  constructor(
    private readonly store: EventStore,
    private readonly persistence: ProjectionPersistence,
    private readonly flushIntervalMs = 200,
  ) {}

  async start(): Promise<void> {
    const loaded = await this.persistence.load();
    await checkCheckpoint(this.store, loaded.checkpoint, this.persistence.location);
    this.rows = loaded.rows;
    this.order = [...this.rows.keys()].sort((a, b) => this.compare(a, b));
    this.byTable = new Map();
    this.byStatus = { ACTIVE: [], SUSPENDED: [], DELETED: [] };
    for (const id of this.order) this.indexRow(id, undefined);
    this.appliedEvent = loaded.checkpoint.event;
    this.advance(loaded.checkpoint.position);
    this.ledgerAt = Math.min(loaded.ledgerPosition, loaded.checkpoint.position);
    this.started = true;
    // Caught up here rather than by the subscription: an event that cannot be folded refuses the open, naming its
    // place in the log, and what the caller lists next already reflects the log. A ledger behind the rows (rebuilt,
    // or new to this read model) is replayed from its own position; the rows skip what they have (by version).
    const filter = { streamPrefix: WORKFLOW_STREAM_PREFIX };
    const head = await this.store.headPosition();
    for await (const page of readPages(this.store, { after: this.ledgerAt, pageSize: PAGE, filter })) {
      for (const e of page) this.apply(e);
      if (batchSize(this.ledger) >= CATCH_UP_SAVE) await this.flush();
    }
    await this.passTo(head);
    this.subscription = this.store.subscribe({ after: this.applied, filter }).subscribe({
      next: (e) => this.applyLive(e),
      error: (err) => console.error('[freshet projection] subscription failed:', err),
    });
    // What the catch-up folded is saved as soon as the projection may save, not at the next live event.
    this.flushTimer ??= setTimeout(() => this.flushInBackground(), this.flushIntervalMs).unref();
  }

  /** Live, an unreadable event is reported and left out: throwing inside the subscription would end the process. */
  private applyLive(e: RecordedEvent): void {
    try {
      this.apply(e);
    } catch (error) {
      if (!(error instanceof UnreadableEventError)) throw error;
      console.error(`[freshet projection] ${error.message}`);
      this.appliedEvent = eventFingerprint(e); // read past, so the checkpoint still names the event at its position
      this.advance(e.position);
      this.ledgerAt = Math.max(this.ledgerAt, e.position);
    }
  }

  private apply(e: RecordedEvent): void {
    if (e.position > this.ledgerAt) {
      addEvent(this.ledger, e);
      this.ledgerAt = e.position;
    }
    if (e.position <= this.applied) return; // the rows have it: only the ledger was behind
    const before = this.rows.get(idOf(e));
    if (applyWorkflowEvent(this.rows, e, this.persistence.location.log)) {
      const id = idOf(e);
      const row = this.rows.get(id)!;
      this.dirty.set(id, row);
      // A deleted workflow created again under its id is a new row in the orders: its creation time (and table) moved.
      const moved = before !== undefined && (before.state.createdAt !== row.state.createdAt || before.state.def.tableIdentifier !== row.state.def.tableIdentifier);
      if (moved) this.unindexRow(id, before, row);
      if (!before || moved) this.placeInOrder(this.order, id);
      this.indexRow(id, moved ? undefined : before);
    }
    this.appliedEvent = eventFingerprint(e);
    this.advance(e.position);
    this.flushTimer ??= setTimeout(() => this.flushInBackground(), this.flushIntervalMs).unref();
  }

  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.started) return;
    const changed = new Map(this.dirty);
    this.dirty.clear();
    const ledger = { batch: this.ledger, position: this.ledgerAt };
    this.ledger = emptyBatch();
    const checkpoint: Checkpoint = { position: this.applied, event: this.appliedEvent };
    const saved = this.saving.then(() => this.persistence.save(checkpoint, changed, ledger));
    this.saving = saved.catch(() => undefined);
    await saved;
  }

  /**
   * A save the timer starts has no caller to fail: a failed one (a deadlock, a lost connection) is reported, and its
   * changes are saved again by the next, so the read model only falls behind its log, never out of it.
   */
  private flushInBackground(): void {
    const changed = new Map(this.dirty);
    const ledger = this.ledger;
    this.flush().catch((error: unknown) => {
      console.error('[freshet projection] saving the read model failed; it is saved again with the next change:', error);
      for (const [id, row] of changed) if (!this.dirty.has(id)) this.dirty.set(id, this.rows.get(id) ?? row);
      this.requeue(ledger);
      this.flushTimer ??= setTimeout(() => this.flushInBackground(), this.flushIntervalMs).unref();
    });
  }

  /** Ledger writes of a failed save, put back before what came since (writes commute: order is only for locks). */
  private requeue(failed: OccurrenceBatch): void {
    for (const [key, row] of this.ledger.rows) failed.rows.set(key, failed.rows.has(key) ? mergeRows(failed.rows.get(key)!, row) : row);
    this.ledger = { rows: failed.rows, ranges: [...failed.ranges, ...this.ledger.ranges], commands: [...failed.commands, ...this.ledger.commands] };
  }

  /** The indexed ledger, saved up to everything applied so far: what a reader asks after waitFor. */
  async ledgerIndex(): Promise<OccurrenceIndex> {
    if (batchSize(this.ledger) > 0 || this.dirty.size > 0) await this.flush();
    else await this.saving;
    return this.persistence.occurrences;
  }

  /**
   * Moves the checkpoint past the other streams' events up to `head` (every workflow event up to it is applied):
   * else a log whose tail is refresh events alone would be scanned from the last workflow event at every start.
   */
  private async passTo(head: number): Promise<void> {
    if (head <= this.applied) return;
    const [at] = await this.store.readAll({ after: head - 1, maxCount: 1 });
    if (at?.position !== head) return;
    this.appliedEvent = eventFingerprint(at);
    this.ledgerAt = Math.max(this.ledgerAt, head);
    this.advance(head);
    this.flushTimer ??= setTimeout(() => this.flushInBackground(), this.flushIntervalMs).unref();
  }

  private advance(position: number): void {
    this.applied = position;
    let n = 0;
    while (n < this.waiters.length && this.waiters[n]!.position <= position) this.waiters[n++]!.resolve();
    if (n > 0) this.waiters.splice(0, n);
  }

  /** Resolves once every event up to `position` has been applied. */
  waitFor(position: number): Promise<void> {
    if (this.applied >= position) return Promise.resolve();
    return new Promise((resolve) => {
      let i = this.waiters.length;
      while (i > 0 && this.waiters[i - 1]!.position > position) i--;
      this.waiters.splice(i, 0, { position, resolve });
    });
  }

  get position(): number {
    return this.applied;
  }

  get(id: string): WorkflowInfo | undefined {
    const row = this.rows.get(id);
    return row ? toWorkflowInfo(row.state, row.version) : undefined;
  }

  list(): WorkflowInfo[] {
    return [...this.rows.values()].map((r) => toWorkflowInfo(r.state, r.version));
  }

  /**
   * A page of workflows in creation order, filtered on the rows themselves: only the page's rows become WorkflowInfo
   * (whose next fire time costs a cron search each), so a page of 50 of 100,000 builds 50.
   */
  page(q: { status?: WorkflowInfo['status']; table?: string; offset: number; limit: number }): { items: WorkflowInfo[]; total: number } {
    const info = (id: string): WorkflowInfo => {
      const row = this.rows.get(id)!;
      return toWorkflowInfo(row.state, row.version);
    };
    if (q.table === undefined) {
      const ids = q.status === undefined ? this.order : this.byStatus[q.status];
      return { items: ids.slice(q.offset, q.offset + q.limit).map(info), total: ids.length };
    }
    const matches = (id: string): boolean => {
      const { state } = this.rows.get(id)!;
      return (q.status === undefined || statusOf(state) === q.status) && (state.def.tableIdentifier === q.table || state.def.tableIdentifier.replaceAll('`', '') === q.table);
    };
    const found = (this.byTable.get(q.table.replaceAll('`', '')) ?? []).filter(matches);
    return { items: found.slice(q.offset, q.offset + q.limit).map(info), total: found.length };
  }

  /** Takes `id` out of every order as it stood (`before`): the bisections compare the row the orders were built on. */
  private unindexRow(id: string, before: ProjectedWorkflow, row: ProjectedWorkflow): void {
    this.rows.set(id, before);
    this.removeFromOrder(this.order, id);
    this.removeFromOrder(this.byStatus[statusOf(before.state)], id);
    const ids = this.byTable.get(before.state.def.tableIdentifier.replaceAll('`', ''));
    if (ids) this.removeFromOrder(ids, id);
    this.rows.set(id, row);
  }

  private indexRow(id: string, before: ProjectedWorkflow | undefined): void {
    const { state } = this.rows.get(id)!;
    const status = statusOf(state);
    const was = before ? statusOf(before.state) : undefined;
    if (was !== status) {
      if (was !== undefined) this.removeFromOrder(this.byStatus[was], id);
      this.placeInOrder(this.byStatus[status], id);
    }
    if (before) return;
    const table = state.def.tableIdentifier.replaceAll('`', '');
    const ids = this.byTable.get(table) ?? [];
    this.byTable.set(table, ids);
    this.placeInOrder(ids, id);
  }

  private compare(a: string, b: string): number {
    return this.rows.get(a)!.state.createdAt - this.rows.get(b)!.state.createdAt || (a < b ? -1 : a > b ? 1 : 0);
  }

  /** New workflows are nearly always the newest: appended, else put in place by bisection. */
  private placeInOrder(order: string[], id: string): void {
    let lo = 0;
    let hi = order.length;
    if (hi === 0 || this.compare(order[hi - 1]!, id) < 0) {
      order.push(id);
      return;
    }
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(order[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    order.splice(lo, 0, id);
  }

  private removeFromOrder(order: string[], id: string): void {
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(order[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (order[lo] === id) order.splice(lo, 1);
  }

  snapshot(): Map<string, ProjectedWorkflow> {
    return new Map(this.rows);
  }

  /** Every row and the position they reflect, taken together: an engine starts from it and follows the log after. */
  snapshotAt(): { states: Map<string, ProjectedWorkflow>; position: number } {
    return { states: new Map(this.rows), position: this.applied };
  }

  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.flush();
    this.started = false;
    await this.persistence.close();
  }
}
