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

/**
 * Bounds one transaction. A burst larger than this is written as soon as it fills a batch, inside the append
 * call: the pending appends then die young (a 20,000-append burst held until the next tick spent a third of its
 * time in garbage collection), and the write lock is held briefly. Not smaller: appends to many streams touch
 * random index pages, and each transaction writes its dirty pages to the WAL again — 10,000 appends to 10,000
 * streams cost 290 ms of COMMIT in batches of 1,000 and 80 ms in one (the fire-precision bench's claims).
 */
const MAX_BATCH = 10_000;

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
    /** Told the newest position after each commit that wrote events (must not throw). */
    private readonly onCommitted: (head: number) => void,
  ) {}

  enqueue(request: PreparedAppend): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (this.queue.length >= MAX_BATCH) {
        this.flush();
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Writes everything queued, now (close uses it). */
  flush(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.writeBatch(batch);
  }

  private writeBatch(batch: Pending[]): void {
    const { begin, commit, rollback } = this.statements;
    const recordedAt = new Date(this.clock.now()).toISOString();
    const versions = new Map<string, number>();
    const outcomes: (AppendResult | Error)[] = [];
    let head = 0;
    try {
      begin.run();
      for (const pending of batch) outcomes.push(this.applyOne(pending.request, versions, recordedAt));
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
      if (outcome instanceof Error) {
        pending.reject(outcome);
      } else {
        pending.resolve(outcome);
        head = Math.max(head, outcome.position);
      }
    });
    if (head > 0) this.onCommitted(head);
  }

  /** Inside the write transaction: `versions` holds the streams this batch already wrote. */
  private applyOne(request: PreparedAppend, versions: Map<string, number>, recordedAt: string): AppendResult | Error {
    const { streamName, expected, events } = request;
    const { insertEvent, insertFirstEvent, streamVersion } = this.statements;
    const count = events.length;
    let version = versions.get(streamName);
    let position = 0;
    let written = 0;
    if (version === undefined && count > 0 && (expected === 'no_stream' || expected === 0)) {
      // Fast path for a new stream, one statement: the first event lands only if the stream does not exist.
      const first = events[0]!;
      const info = insertFirstEvent.run(streamName, first.id, first.type, first.schemaVersion, first.dataJson, first.metadataJson, recordedAt);
      if (info.changes === 1) {
        version = 1;
        position = Number(info.lastInsertRowid);
        written = 1;
      }
    }
    if (written === 0) {
      const actual = version ?? streamVersion.get(streamName) ?? 0;
      const earlier = this.earlierAppend(request, actual);
      if (earlier !== undefined) return earlier;
      if (!satisfiesExpected(expected, actual)) return new VersionConflictError(streamName, expected, actual);
      if (count === 0) return { nextExpectedVersion: actual, position: this.statements.streamHead.get(streamName)?.position ?? 0 };
      version = actual;
    }
    for (let index = written; index < count; index += 1) {
      const event = events[index]!;
      version! += 1;
      position = Number(insertEvent.run(streamName, version!, event.id, event.type, event.schemaVersion, event.dataJson, event.metadataJson, recordedAt).lastInsertRowid);
    }
    versions.set(streamName, version!);
    return { nextExpectedVersion: version!, position };
  }

  /** The result of the identical append this one retries, if it is one (see retrySliceStart). */
  private earlierAppend(request: PreparedAppend, actual: number): AppendResult | undefined {
    const count = request.events.length;
    const start = retrySliceStart(request.expected, actual, count, request.idsGiven);
    if (start === undefined) return undefined;
    const earlier = this.statements.streamSliceIds.all(request.streamName, start, start + count - 1);
    if (!sameIds(request.events.map((event) => event.id), earlier.map((row) => row.id))) return undefined;
    return { nextExpectedVersion: start + count - 1, position: earlier[count - 1]!.position };
  }
}

export const closedError = (path: string): StoreUnavailableError => new StoreUnavailableError(`Event store file ${path} is closed.`);
