import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  type ReadPosition,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { Observable } from 'rxjs';
import { EventStoreError, StoreUnavailableError, StreamNotFoundError } from '../../errors.ts';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../../types.ts';
import { hostOf, mapError, type ErrorContext } from './errors.ts';
import { fromResolved, matches, toEventData, toExpectedRevision, toRevision, toServerFilter, toVersion } from './mapping.ts';

export interface EsdbEventStoreOptions {
  /** e.g. `esdb://localhost:2113?tls=false`; see the client's connection-string reference for the rest. */
  connectionString: string;
  /**
   * Deadline of each append, in ms (the client's default is 10 s). Reads and subscriptions are streams and
   * have none; an unreachable server still fails them at once with UNAVAILABLE.
   */
  deadlineMs?: number;
}

const positionAfter = (after: number | undefined): ReadPosition =>
  after === undefined || after <= 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };

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

/** An EventStore backed by EventStoreDB (≥ 22.6) through `@eventstore/db-client`; connects lazily. */
export const createEsdbEventStore = (options: EsdbEventStoreOptions): EventStore => {
  const client = connect(options.connectionString);
  const host = hostOf(options.connectionString);
  const deadline = options.deadlineMs;
  let closed = false;

  /** Runs one client call, translating its failures into the port's errors. */
  const call = async <T>(context: Omit<ErrorContext, 'host'>, action: () => Promise<T>): Promise<T> => {
    if (closed) throw new EventStoreError(`The EventStoreDB store for ${host} is closed.`);
    try {
      return await action();
    } catch (error) {
      throw mapError(error, { host, ...context });
    }
  };

  /** Drains a read, keeping converted events that pass `keep`, stopping (and cancelling the call) at `limit`. */
  const collect = async (
    read: StreamingRead<ResolvedEvent>,
    keep: (event: RecordedEvent) => boolean,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<RecordedEvent[]> => {
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of read) {
        if (out.length >= limit) break;
        const event = fromResolved(resolved);
        if (event !== undefined && keep(event)) out.push(event);
      }
    } finally {
      // Stops the server streaming the rest; rejects when the call never started, which is already reported.
      await read.cancel().catch(() => undefined);
    }
    return out;
  };

  const lastOfStream = async (streamName: string): Promise<RecordedEvent | undefined> => {
    try {
      const read = client.readStream(streamName, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
      const [last] = await collect(read, () => true);
      return last;
    } catch (error) {
      const mapped = mapError(error, { host, streamName });
      if (mapped instanceof StreamNotFoundError) return undefined;
      throw mapped;
    }
  };

  const assertStreamName = (streamName: string): void => {
    if (streamName === '') throw new EventStoreError('Stream name must not be empty.');
    if (streamName.startsWith('$')) {
      throw new EventStoreError(`Stream name '${streamName}' starts with '$', which EventStoreDB reserves for system streams.`);
    }
  };

  return {
    async appendToStream(streamName: string, events: readonly NewEvent[], opts: AppendOptions = {}): Promise<AppendResult> {
      assertStreamName(streamName);
      const expected = opts.expectedVersion ?? 'any';
      const expectedRevision = toExpectedRevision(expected);
      const proposed = events.map(toEventData);
      return call({ streamName, expected }, async () => {
        const result = await client.appendToStream(streamName, proposed, {
          expectedRevision,
          ...(deadline === undefined ? {} : { deadline }),
        });
        // An empty append writes nothing and reports no position; the stream's last event stands in for it.
        const commit = proposed.length > 0 ? result.position?.commit : undefined;
        const position = commit !== undefined ? Number(commit) : ((await lastOfStream(streamName))?.position ?? 0);
        return { nextExpectedVersion: toVersion(result.nextExpectedRevision), position };
      });
    },

    async readStream(streamName: string, opts: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
      const direction = opts.direction === 'backwards' ? BACKWARDS : FORWARDS;
      const fromRevision = opts.fromVersion !== undefined ? toRevision(opts.fromVersion) : direction === BACKWARDS ? END : START;
      if (opts.maxCount !== undefined && opts.maxCount <= 0) {
        // Still report a missing stream as missing.
        if ((await lastOfStream(streamName)) === undefined) throw new StreamNotFoundError(streamName);
        return [];
      }
      return call({ streamName }, () =>
        collect(client.readStream(streamName, { direction, fromRevision, maxCount: opts.maxCount ?? Number.MAX_SAFE_INTEGER }), () => true),
      );
    },

    async readAll(opts: ReadAllOptions = {}): Promise<RecordedEvent[]> {
      const after = opts.after ?? 0;
      // The 6.x client cannot filter readAll on the server, so filtering happens here. A read from a position
      // includes the event at that position, while `after` is exclusive: hence `position > after`.
      return call({}, () =>
        collect(
          client.readAll({ fromPosition: positionAfter(after), direction: FORWARDS }),
          (event) => event.position > after && matches(event, opts.filter),
          opts.maxCount,
        ),
      );
    },

    subscribe(opts: SubscribeOptions = {}): Observable<RecordedEvent> {
      const after = opts.after ?? 0;
      return new Observable<RecordedEvent>((subscriber) => {
        if (closed) {
          subscriber.error(new EventStoreError(`The EventStoreDB store for ${host} is closed.`));
          return undefined;
        }
        // The server replays from `after` (exclusive) and then goes live; its filter is a coarse pre-selection.
        const subscription = client.subscribeToAll({ fromPosition: positionAfter(after), filter: toServerFilter(opts.filter) });
        subscription.on('data', (resolved: ResolvedEvent) => {
          try {
            const event = fromResolved(resolved);
            if (event !== undefined && event.position > after && matches(event, opts.filter)) subscriber.next(event);
          } catch (error) {
            subscriber.error(error);
          }
        });
        subscription.on('error', (error: unknown) => {
          const mapped = mapError(error, { host });
          subscriber.error(
            mapped instanceof EventStoreError
              ? mapped
              : new StoreUnavailableError(`The subscription to EventStoreDB at ${host} failed: ${String(mapped)}`, { cause: mapped }),
          );
        });
        subscription.on('end', () => subscriber.complete());
        return () => {
          subscription.unsubscribe().catch(() => undefined);
        };
      });
    },

    async streamExists(streamName: string): Promise<boolean> {
      return (await call({ streamName }, () => lastOfStream(streamName))) !== undefined;
    },

    async streamVersion(streamName: string): Promise<number> {
      return (await call({ streamName }, () => lastOfStream(streamName)))?.version ?? 0;
    },

    async headPosition(): Promise<number> {
      // Newest first, skipping the server's own ($-prefixed) events, which readAll never returns either.
      const [head] = await call({}, () => collect(client.readAll({ fromPosition: END, direction: BACKWARDS }), () => true, 1));
      return head?.position ?? 0;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await client.dispose();
    },
  };
};
