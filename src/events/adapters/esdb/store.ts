import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { throwError, type Observable, type Subscriber } from 'rxjs';
import { EventStoreArgumentError } from '../../argument-error.ts';
import { EventStoreError, RetentionUnsupportedError, StoreUnavailableError, StreamNotFoundError, VersionConflictError } from '../../errors.ts';
import { retrySliceStart, sameIds, satisfiesExpected } from '../../expected-version.js';
import { matchesFilter, normalizeFilter } from '../../filter.ts';
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, SubscribeOptions } from '../../types.ts';
import { checkAfter, checkReadAllOptions, checkReadStreamOptions, checkStreamName, prepareAppend } from '../../validation.ts';
import { hostOf, mapError, type ErrorContext } from './errors.ts';
import { fromResolved, isSystem, toEventData, type Keep, toExpectedRevision, toRevision, toVersion } from './mapping.ts';
import { positionAfter, subscribeToLog } from './subscribe.ts';

export interface EsdbEventStoreOptions {
  /** e.g. `esdb://localhost:2113?tls=false`; the client's connection-string options all apply. */
  connectionString: string;
  /**
   * Deadline of each append, in ms (the client's default is 10 s). Reads and subscriptions are gRPC streams
   * without one; an unreachable server still fails them at once with UNAVAILABLE.
   */
  deadlineMs?: number;
}

const connect = (connectionString: string): EventStoreDBClient => {
  try {
    return EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EventStoreError(
      `Invalid EventStoreDB connection string for ${hostOf(connectionString)}: ${reason}. Expected e.g. esdb://localhost:2113?tls=false.`,
      { cause: error },
    );
  }
};

/** Drains a read, keeping converted events that pass `keep`, and stops (cancelling the call) at `limit`. */
const collect = async (read: StreamingRead<ResolvedEvent>, keep?: Keep, limit = Number.POSITIVE_INFINITY): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  try {
    for await (const resolved of read) {
      if (out.length >= limit) break;
      const event = fromResolved(resolved, keep);
      if (event !== undefined) out.push(event);
    }
  } finally {
    // Stops the server streaming the rest; rejects when the call never started, which is already reported.
    await read.cancel().catch(() => undefined);
  }
  return out;
};

/**
 * The newest event's position, skipping the server's own ($-prefixed) events, which readAll never returns
 * either. Only the envelope is looked at: on a shared server the newest event may be another application's.
 */
const newestPosition = async (read: StreamingRead<ResolvedEvent>): Promise<number> => {
  try {
    for await (const { event, commitPosition } of read) {
      const commit = event?.position?.commit ?? commitPosition;
      if (event !== undefined && commit !== undefined && !isSystem(event.streamId, event.type)) return Number(commit);
    }
    return 0;
  } finally {
    await read.cancel().catch(() => undefined);
  }
};

/** An EventStore backed by EventStoreDB (≥ 22.6) through `@eventstore/db-client`; connects lazily. */
export const createEsdbEventStore = (options: EsdbEventStoreOptions): EventStore => {
  const client = connect(options.connectionString);
  const host = hostOf(options.connectionString);
  const deadline = options.deadlineMs === undefined ? {} : { deadline: options.deadlineMs };
  const live = new Set<Subscriber<RecordedEvent>>();
  let closed = false;
  const closedError = (): StoreUnavailableError => new StoreUnavailableError(`The EventStoreDB store for ${host} is closed.`);

  /** Runs client calls, translating their failures into the port's errors. */
  const call = async <T>(context: Omit<ErrorContext, 'host'>, action: () => Promise<T>): Promise<T> => {
    if (closed) throw closedError();
    try {
      return await action();
    } catch (error) {
      throw mapError(error, { host, ...context });
    }
  };

  const readSlice = async (streamName: string, fromVersion: number | 'last', maxCount: number): Promise<RecordedEvent[]> => {
    const fromRevision = fromVersion === 'last' ? END : toRevision(fromVersion);
    const direction = fromVersion === 'last' ? BACKWARDS : FORWARDS;
    try {
      return await collect(client.readStream(streamName, { direction, fromRevision, maxCount }));
    } catch (error) {
      const mapped = mapError(error, { host, streamName });
      if (mapped instanceof StreamNotFoundError) return [];
      throw mapped;
    }
  };
  const lastOf = async (streamName: string): Promise<RecordedEvent | undefined> => (await readSlice(streamName, 'last', 1))[0];

  /**
   * A retried append (same ids, already stored where it would have gone) answers the original result. The
   * server does this itself for numeric / no_stream expectations; for 'any' / 'stream_exists' its id cache is
   * best effort only, so the stream's tail is compared here.
   */
  const earlierResult = async (streamName: string, ids: string[], start: number | undefined): Promise<AppendResult | undefined> => {
    if (start === undefined) return undefined;
    const earlier = await readSlice(streamName, start, ids.length);
    if (!sameIds(ids, earlier.map((event) => event.id))) return undefined;
    const last = earlier[earlier.length - 1]!;
    return { nextExpectedVersion: last.version, position: last.position };
  };

  const append = async (streamName: string, events: readonly NewEvent[], appendOptions?: AppendOptions): Promise<AppendResult> => {
    const request = prepareAppend(streamName, events, appendOptions);
    if (streamName.startsWith('$')) {
      throw new EventStoreArgumentError(`Stream name '${streamName}' starts with '$', which EventStoreDB reserves for its own streams.`);
    }
    const { expected } = request;
    const ids = request.events.map((event) => event.id);
    if (request.events.length === 0) {
      // Nothing to write: only the expectation is checked.
      const last = await lastOf(streamName);
      if (!satisfiesExpected(expected, last?.version ?? 0)) throw new VersionConflictError(streamName, expected, last?.version ?? 0);
      return { nextExpectedVersion: last?.version ?? 0, position: last?.position ?? 0 };
    }
    if (request.idsGiven && (expected === 'any' || expected === 'stream_exists')) {
      const actual = (await lastOf(streamName))?.version ?? 0;
      const retried = await earlierResult(streamName, ids, retrySliceStart(expected, actual, ids.length, true));
      if (retried !== undefined) return retried;
    }
    try {
      const result = await client.appendToStream(streamName, request.events.map(toEventData), {
        expectedRevision: toExpectedRevision(expected),
        ...deadline,
      });
      const nextExpectedVersion = toVersion(result.nextExpectedRevision);
      // An idempotent retry comes back without a position: the last event of the original append has it.
      const position = result.position?.commit ?? BigInt((await readSlice(streamName, nextExpectedVersion, 1))[0]?.position ?? 0);
      return { nextExpectedVersion, position: Number(position) };
    } catch (error) {
      const mapped = mapError(error, { host, streamName, expected });
      if (mapped instanceof VersionConflictError && request.idsGiven) {
        const retried = await earlierResult(streamName, ids, retrySliceStart(expected, mapped.actual, ids.length, true));
        if (retried !== undefined) return retried;
      }
      throw mapped;
    }
  };

  const readStream = async (streamName: string, readOptions?: ReadStreamOptions): Promise<RecordedEvent[]> => {
    checkStreamName(streamName);
    const { direction, fromVersion, maxCount } = checkReadStreamOptions(readOptions);
    const backwards = direction === 'backwards';
    const fromRevision = fromVersion !== undefined ? toRevision(fromVersion) : backwards ? END : START;
    return collect(
      client.readStream(streamName, { direction: backwards ? BACKWARDS : FORWARDS, fromRevision, maxCount: maxCount ?? Number.MAX_SAFE_INTEGER }),
    );
  };

  const readAll = async (readOptions?: ReadAllOptions): Promise<RecordedEvent[]> => {
    const { after, maxCount } = checkReadAllOptions(readOptions);
    const filter = normalizeFilter(readOptions?.filter);
    // The 6.x client cannot filter readAll on the server, so the filter runs here (skipping system events).
    return collect(
      client.readAll({ fromPosition: positionAfter(after), direction: FORWARDS }),
      (streamName, type, position) => position > after && matchesFilter(filter, streamName, type),
      maxCount,
    );
  };

  return {
    appendToStream: (streamName, events, appendOptions) => call({ streamName }, () => append(streamName, events, appendOptions)),
    readStream: (streamName, readOptions) => call({ streamName }, () => readStream(streamName, readOptions)),
    readAll: (readOptions) => call({}, () => readAll(readOptions)),
    subscribe(subscribeOptions?: SubscribeOptions): Observable<RecordedEvent> {
      const after = checkAfter(subscribeOptions?.after);
      const filter = normalizeFilter(subscribeOptions?.filter);
      if (closed) return throwError(closedError);
      return subscribeToLog(client, host, after, filter, live);
    },
    streamExists: (streamName) => call({ streamName }, async () => (await lastOf(checkStreamName(streamName))) !== undefined),
    streamVersion: (streamName) => call({ streamName }, async () => (await lastOf(checkStreamName(streamName)))?.version ?? 0),
    headPosition: () => call({}, () => newestPosition(client.readAll({ fromPosition: END, direction: BACKWARDS }))),
    // EventStoreDB removes by truncating a stream's start ($tb) and scavenging, not by position: not mapped yet.
    removeEvents: () => Promise.reject(new RetentionUnsupportedError('EventStoreDB')),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const subscriber of [...live]) subscriber.complete();
      await client.dispose();
    },
  };
};
