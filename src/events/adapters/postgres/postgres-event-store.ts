import { throwError } from 'rxjs';
import { systemClock, type Clock } from '../../../clock/index.ts';
import { EventStoreArgumentError } from '../../argument-error.ts';
import { RetentionUnsupportedError, StoreUnavailableError, StreamNotFoundError } from '../../errors.ts';
import { normalizeFilter, type NormalizedFilter } from '../../filter.ts';
import type { LogPage } from '../../live-log.ts';
import type { EventStore } from '../../types.ts';
import { checkAfter, checkReadAllOptions, checkReadStreamOptions, checkStreamName, prepareAppend } from '../../validation.ts';
import { createPool, parseTarget } from './connection.ts';
import { mapPgError } from './errors.ts';
import { Followers } from './followers.ts';
import { GroupCommit } from './group-commit.ts';
import { LogWatcher } from './log-watcher.ts';
import { migrate } from './migrate.ts';
import { toRecorded, type EventRow } from './rows.ts';
import { loadStatements } from './statements.ts';
import { createBatchWriter } from './write-batch.ts';

export interface PostgresEventStoreOptions {
  /** e.g. `postgres://user@host:5432/db`; a `?schema=` parameter names the schema (else `schema`, else `freshet`). */
  connectionString: string;
  /** The schema holding the store's tables; created and migrated at open. */
  schema?: string;
  /** 'durable' (default): a commit is flushed to the server's WAL before appends resolve. 'relaxed': synchronous_commit off. */
  durability?: 'durable' | 'relaxed';
  /** Stamps recordedAt; defaults to the system clock. */
  clock?: Clock;
  /** How often subscriptions poll the head, in case a notification was lost (default 500 ms). */
  pollIntervalMs?: number;
  /** Connections in the pool (default 10): one writes at a time, the others read. */
  poolSize?: number;
  /** How long connecting may take before calls fail with StoreUnavailableError (default 5 s). */
  connectTimeoutMs?: number;
}

const positiveInteger = (name: string, value: unknown): number => {
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new EventStoreArgumentError(`${name} must be a whole number >= 1, got ${String(value)}.`);
  return value as number;
};

/**
 * The event store in PostgreSQL: one schema per store, shared by any number of processes and machines. Appends are
 * group-committed; commit batches are serialized on the head row (write-batch.ts), which keeps the log's order
 * equal to commit order; subscriptions are woken by LISTEN/NOTIFY and a poll (log-watcher.ts). The schema is created
 * or migrated lazily, before the first call runs; openPostgresEventStore waits for it.
 */
export function createPostgresEventStore(options: PostgresEventStoreOptions): EventStore {
  const target = parseTarget(options.connectionString, options.schema);
  const { durability = 'durable', clock = systemClock } = options;
  if (durability !== 'durable' && durability !== 'relaxed') throw new EventStoreArgumentError(`durability must be 'durable' or 'relaxed', got ${String(durability)}.`);
  const pollIntervalMs = positiveInteger('pollIntervalMs', options.pollIntervalMs ?? 500);
  const connectTimeoutMs = positiveInteger('connectTimeoutMs', options.connectTimeoutMs ?? 5_000);
  const pool = createPool(target, positiveInteger('poolSize', options.poolSize ?? 10), connectTimeoutMs);
  const sql = loadStatements(target.schema);
  const { label } = target;
  let closed = false;
  const closedError = (): StoreUnavailableError => new StoreUnavailableError(`The PostgreSQL event store at ${label} is closed.`);

  let opening: Promise<void> | undefined;
  const ready = (): Promise<void> =>
    (opening ??= (async () => {
      const client = await pool.connect();
      try {
        await migrate(client, target);
      } finally {
        client.release();
      }
    })().catch((error: unknown) => {
      // An unreachable server is tried again by the next call; a refused schema stays refused.
      const mapped = mapPgError(error, label, 'opening it');
      if (mapped instanceof StoreUnavailableError) opening = undefined;
      throw mapped;
    }));

  const guard = async <T>(doing: string, work: () => Promise<T>): Promise<T> => {
    if (closed) throw closedError();
    await ready();
    try {
      return await work();
    } catch (error) {
      throw mapPgError(error, label, doing);
    }
  };
  const headPosition = async (): Promise<number> => (await pool.query<{ position: number }>(sql.headPosition)).rows[0]!.position;
  const readPage = async (after: number, limit: number, filter: NormalizedFilter): Promise<LogPage> => {
    const { rows } = await pool.query<{ head: number } & EventRow>(sql.readAll, [after, limit < 0 ? null : limit, filter.eventTypes ?? null, filter.prefixes ?? null]);
    const events = rows.filter((row) => row.position !== null).map(toRecorded);
    return { events, scannedTo: events.length === limit ? events[events.length - 1]!.position : Math.max(after, rows[0]!.head) };
  };

  const followers = new Followers(
    (after, limit, filter) => guard('reading for a subscription', () => readPage(after, limit, filter)),
    (count) => watcher.watch(count > 0),
  );
  const watcher = new LogWatcher(target, pollIntervalMs, connectTimeoutMs, () => guard('watching the log', headPosition), () => followers.wakeAll(), (error) =>
    followers.endAll(error instanceof StoreUnavailableError ? error : new StoreUnavailableError(`Watching ${label} for appends failed.`, { cause: error })),
  );
  const writer = createBatchWriter(pool, sql, target.channel, durability);
  const appender = new GroupCommit({ write: async (appends, recordedAt) => (await ready(), writer.write(appends, recordedAt)) }, clock, label, (head) => {
    watcher.ownCommit(head);
    followers.wakeAll();
  });

  return {
    appendToStream(streamName, events, appendOptions) {
      try {
        const request = prepareAppend(streamName, events, appendOptions);
        return closed ? Promise.reject(closedError()) : appender.enqueue(request);
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
    readStream: (streamName, readOptions) =>
      guard('reading a stream', async () => {
        checkStreamName(streamName);
        const { direction, fromVersion, maxCount } = checkReadStreamOptions(readOptions);
        const forwards = direction === 'forwards';
        const statement = forwards ? sql.readStreamForwards : sql.readStreamBackwards;
        const from = fromVersion ?? (forwards ? 1 : 2_147_483_647);
        const { rows } = await pool.query<EventRow>(statement, [streamName, from, maxCount ?? null]);
        if (rows.length === 0 && (await pool.query(sql.streamHead, [streamName])).rowCount === 0) throw new StreamNotFoundError(streamName);
        return rows.map(toRecorded);
      }),
    readAll: (readOptions) =>
      guard('reading the log', async () => {
        const { after, maxCount } = checkReadAllOptions(readOptions);
        return (await readPage(after, maxCount ?? -1, normalizeFilter(readOptions?.filter))).events;
      }),
    subscribe(subscribeOptions) {
      const after = checkAfter(subscribeOptions?.after);
      const filter = normalizeFilter(subscribeOptions?.filter);
      if (closed) return throwError(closedError);
      return followers.follow(after, filter);
    },
    streamExists: (streamName) => guard('reading a stream', async () => ((await pool.query(sql.streamHead, [checkStreamName(streamName)])).rowCount ?? 0) > 0),
    streamVersion: (streamName) =>
      guard('reading a stream', async () => (await pool.query<{ version: number }>(sql.streamHead, [checkStreamName(streamName)])).rows[0]?.version ?? 0),
    headPosition: () => guard('reading the log', headPosition),
    // Several nodes read the shared log by position; removing rows needs their agreement first (not built yet).
    removeEvents: () => Promise.reject(new RetentionUnsupportedError('PostgreSQL')),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await appender.drain();
      } finally {
        watcher.watch(false);
        followers.endAll();
        await pool.end();
      }
    },
  };
}

/** Creates the store and waits until its schema is ready: a server that cannot be reached fails here. */
export async function openPostgresEventStore(options: PostgresEventStoreOptions): Promise<EventStore> {
  const store = createPostgresEventStore(options);
  try {
    await store.headPosition();
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}
