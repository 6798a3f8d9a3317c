import { setImmediate } from 'node:timers';
import type { Clock } from '../../../clock/index.ts';
import { StoreUnavailableError, VersionConflictError } from '../../errors.ts';
import { retrySliceStart, sameIds, satisfiesExpected } from '../../expected-version.ts';
import type { AppendResult } from '../../types.ts';
import type { PreparedAppend } from '../../validation.ts';
import { isBusy, mapSqliteError } from './errors.ts';
import type { Statements } from './statements.ts';

interface Pending {
  request: PreparedAppend;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/** Bounds one transaction, so a burst of appends does not hold the event loop (or the write lock) for long. */
const MAX_BATCH = 4_000;

/**
 * Group commit: appends that arrive in the same turn of the event loop are written in one transaction, so they
 * share one fsync. Each append is still checked on its own against the state inside the transaction (where a
 * later append to the same stream sees the earlier one); a conflicting append is skipped, not the batch.
 * Promises settle only after COMMIT returns, i.e. once the batch is durable.
 *
 * setImmediate comes from node:timers so fake timers in tests (which patch the globals) cannot stall appends.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly statements: Statements,
    private readonly clock: Clock,
    private readonly path: string,
    private readonly onCommitted: () => void,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  enqueue(request: PreparedAppend): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flushSome());
      }
    });
  }

  /** Writes everything queued, now (used by close). */
  flushAll(): void {
    while (this.queue.length > 0) this.writeBatch(this.take());
  }

  private flushSome(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    this.writeBatch(this.take());
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushSome());
    }
  }

  private take(): Pending[] {
    const batch = this.queue.length <= MAX_BATCH ? this.queue : this.queue.slice(0, MAX_BATCH);
    this.queue = this.queue.length <= MAX_BATCH ? [] : this.queue.slice(MAX_BATCH);
    return batch;
  }

  private writeBatch(batch: Pending[]): void {
    const { begin, commit, rollback } = this.statements;
    const recordedAt = new Date(this.clock.now()).toISOString();
    const heads = new Map<string, { version: number; position: number }>();
    let outcomes: Outcome[];
    try {
      begin.run();
      outcomes = batch.map((pending) => this.applyOne(pending.request, heads, recordedAt));
      commit.run();
    } catch (error) {
      try {
        if (rollback.database.inTransaction) rollback.run();
      } catch {
        // SQLite rolls back by itself when the rollback cannot run (e.g. the disk failed); the error below says why.
      }
      // An error that is not about the lock may belong to one append: retry each alone so it fails by itself.
      if (batch.length > 1 && !isBusy(error)) {
        for (const pending of batch) this.writeBatch([pending]);
        return;
      }
      const mapped = mapSqliteError(error, this.path, 'appending');
      for (const pending of batch) pending.reject(mapped);
      return;
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) pending.resolve(outcome.result);
      else pending.reject(outcome.error);
    });
    this.onCommitted();
  }

  private applyOne(request: PreparedAppend, heads: Map<string, { version: number; position: number }>, recordedAt: string): Outcome {
    const { streamName, expected, events } = request;
    const head = heads.get(streamName) ?? this.statements.streamHead.get(streamName) ?? { version: 0, position: 0 };
    const count = events.length;
    const start = retrySliceStart(expected, head.version, count, request.idsGiven);
    if (start !== undefined) {
      const earlier = this.statements.streamSliceIds.all(streamName, start, start + count - 1);
      if (sameIds(events.map((event) => event.id), earlier.map((row) => row.id))) {
        return { ok: true, result: { nextExpectedVersion: start + count - 1, position: earlier[count - 1]!.position } };
      }
    }
    if (!satisfiesExpected(expected, head.version)) return { ok: false, error: new VersionConflictError(streamName, expected, head.version) };
    let { version, position } = head;
    for (const event of events) {
      version += 1;
      const info = this.statements.insertEvent.run(streamName, version, event.id, event.type, event.schemaVersion, event.dataJson, event.metadataJson, recordedAt);
      position = Number(info.lastInsertRowid);
    }
    heads.set(streamName, { version, position });
    return { ok: true, result: { nextExpectedVersion: version, position } };
  }
}

export const closedError = (path: string): StoreUnavailableError => new StoreUnavailableError(`Event store file ${path} is closed.`);
