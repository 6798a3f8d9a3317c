import type { Database } from 'better-sqlite3';
import { throwError, type Observable } from 'rxjs';
import { systemClock, type Clock } from '../../../clock/index.ts';
import { EventStoreArgumentError } from '../../argument-error.ts';
import { StoreUnavailableError, StreamNotFoundError } from '../../errors.ts';
import { normalizeFilter, type NormalizedFilter } from '../../filter.ts';
import { LiveLog, type LogPage } from '../../live-log.ts';
import type { EventStore, RecordedEvent } from '../../types.ts';
import { checkAfter, checkReadAllOptions, checkReadStreamOptions, checkStreamName, prepareAppend } from '../../validation.ts';
import { mapSqliteError } from './errors.ts';
import { type BatchSink, closedError, GroupCommit } from './group-commit.ts';
import { createBatchWriter, MERGE_EVERY } from './batch-writer.js';
import { WriterThread } from './writer-thread-client.ts';
import { HeadPoller } from './head-poller.ts';
import { RecentLog } from './recent-log.ts';
import { consecutiveFrom, openDatabase } from './open-database.ts';
import { removeSqliteEvents } from './remove-events.ts';
import { checkContiguous, rowReader } from './rows.ts';
import { prepareStatements } from './statements.ts';

export interface SqliteEventStoreOptions {
  /** The store's file; created (with its -wal and -shm companions) when missing. */
  path: string;
  /** 'durable' (default): each commit is fsync'd before appends resolve. 'relaxed': faster, may lose the last commits on power loss. */
  durability?: 'durable' | 'relaxed';
  /** Stamps recordedAt; defaults to the system clock. */
  clock?: Clock;
  /** How often subscriptions look for appends made by other processes (default 50 ms). */
  pollIntervalMs?: number;
  /** How long a write waits for another process holding the lock before failing with StoreUnavailableError (default 5 s). */
  busyTimeoutMs?: number;
  /** Run SQLite's quick_check at open (default true; it reads the whole file, so very large stores may skip it). */
  checkIntegrity?: boolean;
  /**
   * Where appends are written. 'thread' (default): a worker thread with its own connection inserts, commits and
   * fsyncs, so this thread keeps running timers meanwhile (starting it costs ~30 ms). 'inline': on this thread,
   * blocking it for each commit — for short-lived tools and tests that open many stores.
   */
  writer?: 'thread' | 'inline';
  /**
   * How many appended events apart the stream index moves one bucket of recent entries to its main level (default
   * 20,000; see batch-writer.js). Only tests need another value: reads must be right on either side of a merge.
   */
  indexMergeEvery?: number;
}

/** Batches written on this thread's connection, blocking it for each commit. */
function inlineSink(db: Database, indexMergeEvery: number): BatchSink {
  const writer = createBatchWriter(db, indexMergeEvery);
  return { write: (appends, recordedAt) => writer.write(appends, recordedAt), close: () => Promise.resolve() };
}

/**
 * The embedded event store: one SQLite file in WAL mode. Appends are group-committed (see GroupCommit); the
 * concurrency check runs inside the write transaction, so several processes may share the file.
 */
export function createSqliteEventStore(options: SqliteEventStoreOptions): EventStore {
  const { path, durability = 'durable', pollIntervalMs = 50, busyTimeoutMs = 5_000, writer = 'thread', indexMergeEvery = MERGE_EVERY } = options;
  if (typeof path !== 'string' || path.length === 0 || path === ':memory:') {
    throw new EventStoreArgumentError(`path must name a file for the SQLite event store (use createMemoryEventStore for a throwaway store), got ${String(path)}.`);
  }
  if (durability !== 'durable' && durability !== 'relaxed') throw new EventStoreArgumentError(`durability must be 'durable' or 'relaxed', got ${String(durability)}.`);
  if (writer !== 'thread' && writer !== 'inline') throw new EventStoreArgumentError(`writer must be 'thread' or 'inline', got ${String(writer)}.`);
  for (const [name, value] of [['pollIntervalMs', pollIntervalMs], ['busyTimeoutMs', busyTimeoutMs]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new EventStoreArgumentError(`${name} must be a whole number of milliseconds >= 1, got ${String(value)}.`);
  }
  if (!Number.isSafeInteger(indexMergeEvery) || indexMergeEvery < 1) throw new EventStoreArgumentError(`indexMergeEvery must be a whole number of events >= 1, got ${String(indexMergeEvery)}.`);
  const db = openDatabase({ path, durability, busyTimeoutMs, checkIntegrity: options.checkIntegrity ?? true });
  const statements = prepareStatements(db);
  const toRecorded = rowReader(path);
  let noGapsFrom = consecutiveFrom(db);
  let closed = false;

  const guard = <T>(doing: string, work: () => T): Promise<T> => {
    if (closed) return Promise.reject(closedError(path));
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(mapSqliteError(error, path, doing));
    }
  };
  const headPosition = (): number => statements.headPosition.get()?.head ?? 0;

  const recent = new RecentLog();
  /**
   * The next page after `after`: from this process's recent commits where they vouch for it, else from SQLite.
   * `settled` (followers only): a head past which nothing is committed until the poller says so, so a follower
   * that has reached it needs no query — after each commit every follower is there, and two queries each cost
   * ~7% of the main thread under 5,000 commands/s. readAll passes none: it must see other processes' appends now.
   */
  const readPage = (after: number, limit: number, filter: NormalizedFilter, settled?: number): LogPage => {
    if (settled !== undefined && after >= settled) return { events: [], scannedTo: after };
    const mine = recent.page(after, limit, filter);
    if (mine === undefined) return readStored(after, limit, filter);
    if (mine.events.length === limit) return mine;
    const rest = readPage(mine.scannedTo, limit < 0 ? limit : limit - mine.events.length, filter, settled);
    return { events: mine.events.concat(rest.events), scannedTo: rest.scannedTo };
  };
  const readStored = (after: number, limit: number, filter: NormalizedFilter): LogPage => {
    // Reading up to a head taken first means a later commit by another process cannot slip under the cursor.
    const upto = headPosition();
    const rows = statements.readAll.all({
      after,
      upto,
      limit,
      types: filter.eventTypes === undefined ? null : JSON.stringify(filter.eventTypes),
      prefixes: filter.prefixes === undefined ? null : JSON.stringify(filter.prefixes),
    });
    if (filter.eventTypes === undefined && filter.prefixes === undefined) {
      try {
        checkContiguous(path, noGapsFrom, after, rows);
      } catch (error) {
        // Another process may have archived and removed events since this one read the bound: read it again.
        const bound = consecutiveFrom(db);
        if (bound === noGapsFrom) throw error;
        noGapsFrom = bound;
        checkContiguous(path, noGapsFrom, after, rows);
      }
    }
    const events = rows.map(toRecorded);
    return { events, scannedTo: rows.length === limit ? rows[rows.length - 1]![0] : upto };
  };
  const live = new LiveLog((after, limit, filter) => {
    try {
      return readPage(after, limit, filter, poller.settledHead);
    } catch (error) {
      throw mapSqliteError(error, path, 'reading for a subscription');
    }
  });
  const poller = new HeadPoller(pollIntervalMs, headPosition, () => live.notify(), (error) =>
    live.endAll(new StoreUnavailableError(`Watching ${path} for appends by other processes failed: ${error.message}`, { cause: error })),
  );
  const sink: BatchSink = writer === 'thread' ? new WriterThread({ path, durability, busyTimeoutMs, indexMergeEvery }) : inlineSink(db, indexMergeEvery);
  const appender = new GroupCommit(sink, options.clock ?? systemClock, path, (head, written, recordedAt) => {
    poller.seen(head);
    // Only subscriptions read the recent rows back; with none, keeping them would cost for nothing.
    if (live.size > 0) recent.add(written, recordedAt);
    else recent.clear();
    live.notify();
    recent.forgetUpTo(live.slowest());
  });

  const store: EventStore = {
    appendToStream(streamName, events, appendOptions) {
      try {
        const request = prepareAppend(streamName, events, appendOptions);
        return closed ? Promise.reject(closedError(path)) : appender.enqueue(request);
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },

    readStream: (streamName, readOptions) =>
      guard('reading a stream', () => {
        checkStreamName(streamName);
        const { direction, fromVersion, maxCount } = checkReadStreamOptions(readOptions);
        const rows =
          direction === 'forwards'
            ? statements.readStreamForwards.all({ stream: streamName, version: fromVersion ?? 1, limit: maxCount ?? -1 })
            : statements.readStreamBackwards.all({ stream: streamName, version: fromVersion ?? Number.MAX_SAFE_INTEGER, limit: maxCount ?? -1 });
        if (rows.length === 0 && statements.streamHead.get(streamName) === undefined) throw new StreamNotFoundError(streamName);
        return rows.map(toRecorded);
      }),

    readAll: (readOptions) =>
      guard('reading the log', () => {
        const { after, maxCount } = checkReadAllOptions(readOptions);
        return readPage(after, maxCount ?? -1, normalizeFilter(readOptions?.filter)).events;
      }),

    subscribe(subscribeOptions): Observable<RecordedEvent> {
      const after = checkAfter(subscribeOptions?.after);
      const filter = normalizeFilter(subscribeOptions?.filter);
      if (closed) return throwError(() => closedError(path));
      return live.follow(after, filter, () => poller.watch(live.size > 0));
    },

    streamExists: (streamName) => guard('reading a stream', () => statements.streamHead.get(checkStreamName(streamName)) !== undefined),
    streamVersion: (streamName) => guard('reading a stream', () => statements.streamHead.get(checkStreamName(streamName))?.version ?? 0),
    headPosition: () => guard('reading the log', headPosition),

    removeEvents: (positions, removeOptions) =>
      closed
        ? Promise.reject(closedError(path))
        : removeSqliteEvents(db, positions, removeOptions, (bound) => (noGapsFrom = Math.max(noGapsFrom, bound))).catch((error: unknown) => {
            throw mapSqliteError(error, path, 'removing archived events');
          }),

    async close() {
      if (closed) return;
      closed = true;
      try {
        await appender.close();
      } finally {
        poller.watch(false);
        live.endAll();
        db.close();
      }
    },
  };
  return store;
}
