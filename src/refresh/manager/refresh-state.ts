import { type EventStore, type RecordedEvent, readPages } from '../../events/index.ts';
import { type Checkpoint, checkCheckpoint, eventFingerprint, NO_CHECKPOINT, UnreadableEventError } from '../../projections/index.ts';
import { isTerminalStatus, OPERATION_STREAM_PREFIX, type OperationLog, type OperationState } from '../operations/index.ts';
import type { RefreshViews } from './projection.ts';
import { blankSummary, type RefreshReadModel, type StoredOperation, type StoredTable } from './read-model.ts';
import { refreshEventProblem } from './refresh-event-schema.ts';
import { TABLE_STREAM_PREFIX } from './table-events.ts';
import type { TableRegistry } from './table-registry.ts';

const FILTER = { streamPrefix: [TABLE_STREAM_PREFIX, OPERATION_STREAM_PREFIX] };
/** Held ended operations after which a long catch-up saves and lets them go: a start's memory stays bounded. */
const CATCH_UP_SAVE = 20_000;

export interface RefreshStateDeps {
  store: EventStore;
  model: RefreshReadModel;
  registry: TableRegistry;
  log: OperationLog;
  views: RefreshViews;
  /** The event log in an operator's words, for errors naming an event's place in it. */
  logName: string;
  onError: (error: unknown, context: string) => void;
  /** How long changes wait to be saved together (default 200 ms). */
  flushIntervalMs?: number;
}

/**
 * Keeps the manager's memory and its read model in step with the log. At start it restores tables and the
 * operations in flight from the read model, then reads the log from the model's checkpoint only; while running,
 * each save first reads the log from the checkpoint to its head (so the checkpoint only ever names a position up to
 * which every table and operation event has been folded, whoever appended it), then saves what changed and lets go
 * of ended operations. Start time and memory thus follow the live tables and the events since the last save, not
 * the log's age.
 */
export class RefreshState {
  private checkpoint: Checkpoint = NO_CHECKPOINT;
  /** The log position of each held operation's submission: its order in its table's history. */
  private readonly seqOf = new Map<string, number>();
  private readonly dirtyOperations = new Set<string>();
  private readonly dirtyTables = new Set<string>();
  /** Saves run one after another, each with the reads of the log before it. */
  private saving: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private started = false;
  /** The highest seq saved: an operation submitted after it has no row, so folding it asks the model nothing. */
  private savedSeq = 0;

  constructor(private readonly deps: RefreshStateDeps) {}

  async start(): Promise<void> {
    const { model, store, registry, log, views } = this.deps;
    const loaded = await model.load();
    if (model.location) await checkCheckpoint(store, loaded.checkpoint, model.location);
    registry.restore(loaded.tables.map((t) => t.state));
    views.restore(loaded.tables, loaded.open.map((o) => o.state));
    log.restore(loaded.open.map((o) => o.state));
    for (const o of loaded.open) this.seqOf.set(o.state.operationHandle, o.seq);
    this.checkpoint = loaded.checkpoint;
    this.savedSeq = loaded.lastSeq;
    // An event that cannot be folded refuses the start, naming its place in the log (and nothing is saved after).
    await this.catchUp(true);
    await this.save();
    this.started = true;
  }

  /**
   * The manager appended an event of this operation (at about `position`): the operation and its table's summary are
   * saved together with the next save, so a saved summary never counts an operation the model does not hold.
   */
  appendedOperation(state: OperationState, submitted: boolean, position: number): void {
    if (submitted) this.seqOf.set(state.operationHandle, position);
    this.dirtyOperations.add(state.operationHandle);
    this.dirtyTables.add(state.table);
    this.schedule();
  }

  touchedTable(identifier: string): void {
    this.dirtyTables.add(identifier);
    this.schedule();
  }

  /** Saves everything appended so far: what a reader of the read model asks first. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.started) return Promise.resolve();
    const saved = this.saving.then(async () => {
      await this.catchUp(false);
      await this.save();
    });
    this.saving = saved.catch(() => undefined);
    return saved;
  }

  async close(): Promise<void> {
    await this.flush().catch((error: unknown) => this.deps.onError(error, 'saving the refresh read model at stop'));
    this.started = false;
  }

  private schedule(): void {
    if (!this.started || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A failed save (a busy file) loses nothing: what it held stays dirty and the next save takes it.
      this.flush().catch((error: unknown) => this.deps.onError(error, 'saving the refresh read model'));
    }, this.deps.flushIntervalMs ?? 200).unref();
  }

  /** Folds the log from the checkpoint to its head; at start an unreadable event throws, later it is reported. */
  private async catchUp(starting: boolean): Promise<void> {
    const head = await this.deps.store.headPosition();
    for await (const page of readPages(this.deps.store, { after: this.checkpoint.position, filter: FILTER })) {
      for (const recorded of page) {
        try {
          await this.fold(recorded);
        } catch (error) {
          const problem = error instanceof UnreadableEventError ? error : unreadable(this.deps.logName, recorded, error);
          if (starting) throw problem;
          this.deps.onError(problem, 'reading the refresh events');
        }
        this.checkpoint = { position: recorded.position, event: eventFingerprint(recorded) };
      }
      if (starting && this.dirtyOperations.size >= CATCH_UP_SAVE) await this.save();
    }
    await this.passTo(head);
  }

  /**
   * Moves the checkpoint past the other events up to `head` (every refresh event up to it has been read): else a
   * log of workflow events alone would be scanned from the last refresh event at every start.
   */
  private async passTo(head: number): Promise<void> {
    if (head <= this.checkpoint.position) return;
    const [at] = await this.deps.store.readAll({ after: head - 1, maxCount: 1 });
    if (at?.position === head) this.checkpoint = { position: head, event: eventFingerprint(at) };
  }

  private async fold(recorded: RecordedEvent): Promise<void> {
    const problem = refreshEventProblem(recorded);
    if (problem) throw new UnreadableEventError(this.deps.logName, recorded.position, recorded.streamName, problem);
    const { registry, log, views } = this.deps;
    const table = registry.load(recorded);
    if (table) {
      views.applyTable(table);
      this.dirtyTables.add(table.data.identifier);
      return;
    }
    if (!recorded.streamName.startsWith(OPERATION_STREAM_PREFIX)) return;
    const handle = (recorded.data as { operationHandle: string }).operationHandle;
    if (recorded.type === 'RefreshSubmitted') this.seqOf.set(handle, recorded.position);
    // An operation not held may be saved already: ended and let go of (and another node closed it, say), or saved
    // ahead of the checkpoint before a crash. Its saved state decides what of this event is new.
    const unsaved = recorded.type === 'RefreshSubmitted' && recorded.position > this.savedSeq;
    if (!unsaved && !log.get(handle)) await log.ensure(handle);
    const folded = log.load(recorded);
    if (!folded) return;
    views.applyOperation(folded.event, folded.state);
    this.dirtyOperations.add(handle);
    this.dirtyTables.add(folded.state.table);
  }

  private async save(): Promise<void> {
    const { model, registry, log, views } = this.deps;
    const operations: StoredOperation[] = [];
    for (const handle of this.dirtyOperations) {
      const state = log.get(handle);
      // Every held operation has its seq (from its append or its read); a fetched one saved before keeps its row's.
      if (!state) continue;
      const seq = this.seqOf.get(handle) ?? 0;
      operations.push({ state, seq });
      this.savedSeq = Math.max(this.savedSeq, seq);
    }
    this.dirtyOperations.clear();
    const tables: StoredTable[] = [];
    for (const id of this.dirtyTables) {
      const state = registry.held(id);
      if (state) tables.push({ state, summary: views.summary(id) ?? blankSummary() });
    }
    this.dirtyTables.clear();
    try {
      await model.save(this.checkpoint, tables, operations);
    } catch (error) {
      for (const o of operations) this.dirtyOperations.add(o.state.operationHandle);
      for (const t of tables) this.dirtyTables.add(t.state.definition.identifier);
      throw error;
    }
    for (const { state } of operations) if (isTerminalStatus(state.status) && log.get(state.operationHandle) === state) this.release(state);
  }

  private release(state: OperationState): void {
    this.deps.log.release(state.operationHandle);
    this.deps.views.release(state.operationHandle);
    this.seqOf.delete(state.operationHandle);
  }
}

function unreadable(logName: string, recorded: RecordedEvent, error: unknown): UnreadableEventError {
  // Named by its place in the log: a bare TypeError from deep in a fold tells an operator nothing.
  return new UnreadableEventError(logName, recorded.position, recorded.streamName, `${recorded.type} cannot be loaded (${error instanceof Error ? error.message : String(error)})`);
}
