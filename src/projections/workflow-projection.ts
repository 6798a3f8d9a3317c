import type { Subscription } from 'rxjs';
import { type EventStore, readPages, type RecordedEvent } from '../events/index.ts';
import { evolve, WORKFLOW_STREAM_PREFIX, type WorkflowEvent } from '../workflows/index.ts';
import { checkCheckpoint, eventFingerprint } from './checkpoint.ts';
import type { Checkpoint, ProjectedWorkflow, ProjectionPersistence } from './persistence.ts';
import { toWorkflowInfo, type WorkflowInfo } from './workflow-info.ts';
import { UnreadableEventError } from './errors.ts';
import { workflowEventProblem } from './workflow-event-schema.ts';
import { addEvent, batchSize, emptyBatch, type OccurrenceBatch } from './occurrence-writes.ts';
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
    this.appliedEvent = loaded.checkpoint.event;
    this.advance(loaded.checkpoint.position);
    this.ledgerAt = Math.min(loaded.ledgerPosition, loaded.checkpoint.position);
    this.started = true;
    // Caught up here rather than by the subscription: an event that cannot be folded refuses the open, naming its
    // place in the log, and what the caller lists next already reflects the log. A ledger behind the rows (rebuilt,
    // or new to this read model) is replayed from its own position; the rows skip what they have (by version).
    const filter = { streamPrefix: WORKFLOW_STREAM_PREFIX };
    for await (const page of readPages(this.store, { after: this.ledgerAt, pageSize: PAGE, filter })) {
      for (const e of page) this.apply(e);
      if (batchSize(this.ledger) >= CATCH_UP_SAVE) await this.flush();
    }
    this.subscription = this.store.subscribe({ after: this.applied, filter }).subscribe({
      next: (e) => this.applyLive(e),
      error: (err) => console.error('[freshet projection] subscription failed:', err),
    });
    // What the catch-up folded is saved as soon as the projection may save, not at the next live event.
    this.flushTimer ??= setTimeout(() => void this.flush(), this.flushIntervalMs).unref();
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
    if (applyWorkflowEvent(this.rows, e, this.persistence.location.log)) {
      const id = idOf(e);
      this.dirty.set(id, this.rows.get(id)!);
    }
    this.appliedEvent = eventFingerprint(e);
    this.advance(e.position);
    this.flushTimer ??= setTimeout(() => void this.flush(), this.flushIntervalMs).unref();
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

  /** The indexed ledger, saved up to everything applied so far: what a reader asks after waitFor. */
  async ledgerIndex(): Promise<OccurrenceIndex> {
    if (batchSize(this.ledger) > 0 || this.dirty.size > 0) await this.flush();
    else await this.saving;
    return this.persistence.occurrences;
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

  snapshot(): Map<string, ProjectedWorkflow> {
    return new Map(this.rows);
  }

  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.flush();
    this.started = false;
    await this.persistence.close();
  }
}
