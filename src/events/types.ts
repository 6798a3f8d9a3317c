import type { Observable } from 'rxjs';

/**
 * Versions count events: a stream that does not exist is at version 0, its first event has version 1.
 * Adapters whose native numbering differs (EventStoreDB's 0-based revisions) convert at their edge.
 */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

/** Who did it, why, and in answer to what: every event carries it, so history can be audited. */
export interface EventMetadata {
  actor: string;
  reason?: string;
  correlationId: string;
  causationId?: string;
  /** When the command that produced the event was decided (ISO-8601, from the injected clock). */
  occurredAt: string;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** A UUID; the store generates one when it is missing. */
  id?: string;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  streamName: string;
  /** 1-based position of the event inside its stream. */
  version: number;
  /** Position in the global log: strictly increasing in log order, not necessarily contiguous. */
  position: number;
  /** When the store committed it (ISO-8601). */
  recordedAt: string;
}

export interface AppendOptions {
  expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  /** The stream's version after the append: pass it as expectedVersion to append next. */
  nextExpectedVersion: number;
  /** Global position of the last event appended. */
  position: number;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards defaults to 1 (the start), backwards to the last event. */
  fromVersion?: number;
  maxCount?: number;
}

export interface LogFilter {
  /** Keep events whose stream name starts with one of these. */
  streamPrefix?: string | readonly string[];
  /** Keep events of these types. */
  eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. 0 (the default) reads from the start. */
  after?: number;
  maxCount?: number;
  filter?: LogFilter;
}

export interface SubscribeOptions {
  /** Exclusive, as in readAll: catch up from here, then go live. */
  after?: number;
  filter?: LogFilter;
}

/**
 * What removeEvents may take (retention, src/archive): the caller names each event by position, and the store
 * refuses the whole call, removing nothing, when one of them is recorded at or after `recordedBefore` or is of a
 * kept type. A position with no event (already removed: a retry after a crash) is passed over.
 */
export interface RemoveEventsOptions {
  /** ISO-8601: only events the store recorded strictly before this instant. */
  recordedBefore: string;
  /** Types never removed, whatever the caller names (commands, the archive's own records). */
  keepTypes: readonly string[];
}

export interface RemoveEventsResult {
  removed: number;
}

export interface EventStore {
  /** Appends atomically, or throws VersionConflictError and appends nothing. */
  appendToStream(streamName: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Throws StreamNotFoundError when the stream has no events. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up then live, in global order, without gaps or duplicates. Errors with StoreUnavailableError. */
  subscribe(options?: SubscribeOptions): Observable<RecordedEvent>;
  streamExists(streamName: string): Promise<boolean>;
  /** Current version of a stream (0 when it does not exist). */
  streamVersion(streamName: string): Promise<number>;
  /** Position of the newest event in the log (0 when empty). */
  headPosition(): Promise<number>;
  /**
   * Retention: removes the named events once they are archived (the caller appends a HistoryArchived event first;
   * removal is never silent). Stream versions and heads stay as they were, so expected versions still hold; reads
   * then pass over the removed positions and versions. Stores that cannot do it yet refuse with
   * RetentionUnsupportedError.
   */
  removeEvents(positions: readonly number[], options: RemoveEventsOptions): Promise<RemoveEventsResult>;
  close(): Promise<void>;
}
