import { throwError, type Observable } from 'rxjs';
import { systemClock, type Clock } from '../../../clock/index.ts';
import { EventStoreArgumentError } from '../../argument-error.ts';
import { StoreUnavailableError, StreamNotFoundError, VersionConflictError } from '../../errors.ts';
import { retrySliceStart, sameIds, satisfiesExpected } from '../../expected-version.js';
import { matchesFilter, normalizeFilter, type NormalizedFilter } from '../../filter.ts';
import { LiveLog, type LogPage } from '../../live-log.ts';
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, RemoveEventsOptions, RemoveEventsResult, SubscribeOptions } from '../../types.ts';
import { checkAfter, checkReadAllOptions, checkReadStreamOptions, checkRemoveEvents, checkStreamName, prepareAppend, removalRefusal } from '../../validation.ts';

export interface MemoryEventStoreOptions {
  /** Stamps recordedAt; defaults to the system clock. */
  clock?: Clock;
}

/** Kept as JSON text, as a durable store would, so reads return fresh copies with the same round-trip rules. */
interface StoredEvent {
  id: string;
  type: string;
  schemaVersion: number;
  dataJson: string;
  metadataJson: string;
  streamName: string;
  version: number;
  position: number;
  recordedAt: string;
  /** Removed by retention: kept as a placeholder so positions and versions still index the arrays. */
  removed?: true;
}

function toRecorded(stored: StoredEvent): RecordedEvent {
  return {
    id: stored.id,
    type: stored.type,
    schemaVersion: stored.schemaVersion,
    data: JSON.parse(stored.dataJson) as unknown,
    metadata: JSON.parse(stored.metadataJson) as RecordedEvent['metadata'],
    streamName: stored.streamName,
    version: stored.version,
    position: stored.position,
    recordedAt: stored.recordedAt,
  };
}

/**
 * The event store in process memory: same semantics as the durable adapters, synchronous inside (so appends are
 * trivially serialized), for tests and throwaway runs. Positions are 1, 2, 3… (log index + 1).
 */
export function createMemoryEventStore(options: MemoryEventStoreOptions = {}): EventStore {
  const clock = options.clock ?? systemClock;
  const log: StoredEvent[] = [];
  const streams = new Map<string, StoredEvent[]>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new StoreUnavailableError('The memory event store is closed.');
  };

  const readPage = (after: number, limit: number, filter: NormalizedFilter): LogPage => {
    const events: RecordedEvent[] = [];
    for (let index = after; index < log.length; index += 1) {
      const stored = log[index]!;
      if (stored.removed || !matchesFilter(filter, stored.streamName, stored.type)) continue;
      events.push(toRecorded(stored));
      if (events.length === limit) return { events, scannedTo: stored.position };
    }
    return { events, scannedTo: log.length };
  };
  const live = new LiveLog(readPage);

  const append = (streamName: string, newEvents: readonly NewEvent[], appendOptions?: AppendOptions): AppendResult => {
    const request = prepareAppend(streamName, newEvents, appendOptions);
    ensureOpen();
    const stream = streams.get(streamName) ?? [];
    const actual = stream.length;
    const count = request.events.length;
    const lastPosition = (): number => stream[stream.length - 1]?.position ?? 0;
    const start = retrySliceStart(request.expected, actual, count, request.idsGiven);
    if (start !== undefined) {
      const earlier = stream.slice(start - 1, start - 1 + count);
      if (sameIds(request.events.map((event) => event.id), earlier.map((event) => event.id))) {
        return { nextExpectedVersion: start - 1 + count, position: earlier[count - 1]!.position };
      }
    }
    if (!satisfiesExpected(request.expected, actual)) throw new VersionConflictError(streamName, request.expected, actual);
    if (count === 0) return { nextExpectedVersion: actual, position: lastPosition() };
    const recordedAt = new Date(clock.now()).toISOString();
    for (const event of request.events) {
      const stored: StoredEvent = { ...event, streamName, version: stream.length + 1, position: log.length + 1, recordedAt };
      stream.push(stored);
      log.push(stored);
    }
    streams.set(streamName, stream);
    live.notify();
    return { nextExpectedVersion: stream.length, position: lastPosition() };
  };

  const readStream = (streamName: string, readOptions?: ReadStreamOptions): RecordedEvent[] => {
    checkStreamName(streamName);
    const { direction, fromVersion, maxCount } = checkReadStreamOptions(readOptions);
    ensureOpen();
    const stream = streams.get(streamName);
    if (stream === undefined) throw new StreamNotFoundError(streamName);
    const limit = maxCount ?? stream.length;
    const picked =
      direction === 'forwards'
        ? stream.slice((fromVersion ?? 1) - 1).filter((e) => !e.removed).slice(0, limit)
        : stream.slice(0, Math.min(fromVersion ?? stream.length, stream.length)).reverse().filter((e) => !e.removed).slice(0, limit);
    return picked.map(toRecorded);
  };

  const readAll = (readOptions?: ReadAllOptions): RecordedEvent[] => {
    const { after, maxCount } = checkReadAllOptions(readOptions);
    const filter = normalizeFilter(readOptions?.filter);
    ensureOpen();
    return readPage(after, maxCount ?? Number.POSITIVE_INFINITY, filter).events;
  };

  const removeEvents = (positions: readonly number[], removeOptions: RemoveEventsOptions): RemoveEventsResult => {
    const checked = checkRemoveEvents(positions, removeOptions);
    ensureOpen();
    const present = checked.positions.map((p) => log[p - 1]).filter((e): e is StoredEvent => e !== undefined && !e.removed);
    for (const e of present) {
      const refusal = removalRefusal(e, checked.recordedBefore, checked.keepTypes, log.length);
      if (refusal) throw new EventStoreArgumentError(`Nothing was removed: ${refusal}.`);
    }
    for (const e of present) {
      e.removed = true;
      e.dataJson = 'null';
      e.metadataJson = 'null';
    }
    return { removed: present.length };
  };

  const subscribe = (subscribeOptions?: SubscribeOptions): Observable<RecordedEvent> => {
    const after = checkAfter(subscribeOptions?.after);
    const filter = normalizeFilter(subscribeOptions?.filter);
    if (closed) return throwError(() => new StoreUnavailableError('The memory event store is closed.'));
    return live.follow(after, filter, () => undefined);
  };

  // Every method settles on a later tick, as a real store does, and throws through the promise.
  const run = <T>(work: () => T): Promise<T> => {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error as Error);
    }
  };

  return {
    appendToStream: (streamName, events, appendOptions) => run(() => append(streamName, events, appendOptions)),
    readStream: (streamName, readOptions) => run(() => readStream(streamName, readOptions)),
    readAll: (readOptions) => run(() => readAll(readOptions)),
    subscribe,
    streamExists: (streamName) => run(() => (ensureOpen(), (streams.get(checkStreamName(streamName))?.length ?? 0) > 0)),
    streamVersion: (streamName) => run(() => (ensureOpen(), streams.get(checkStreamName(streamName))?.length ?? 0)),
    headPosition: () => run(() => (ensureOpen(), log.length)),
    removeEvents: (positions, removeOptions) => run(() => removeEvents(positions, removeOptions)),
    close: () => {
      if (!closed) {
        closed = true;
        live.endAll();
      }
      return Promise.resolve();
    },
  };
}
