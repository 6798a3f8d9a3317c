import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AppendExpectedRevision,
  type CurrentRevision,
  type EventData,
  type Filter,
  type JSONType,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { StoreCorruptedError } from '../../errors.ts';
import type { NormalizedFilter } from '../../filter.ts';
import type { EventMetadata, ExpectedVersion, RecordedEvent } from '../../types.ts';
import type { PreparedEvent } from '../../validation.ts';

/*
 * The port counts events (empty stream = 0, first event = 1); EventStoreDB numbers revisions from 0.
 * Every conversion between the two lives here, so the rest of the adapter never does `± 1` itself.
 */

/** Our expected version → the client's `expectedRevision`. Version 0 means "no events yet", i.e. NO_STREAM. */
export const toExpectedRevision = (expected: ExpectedVersion | undefined): AppendExpectedRevision => {
  switch (expected) {
    case undefined:
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected === 0 ? NO_STREAM : BigInt(expected - 1);
  }
};

/** The server's "current revision" (a bigint, or no_stream) → our version. */
export const toVersion = (current: CurrentRevision | bigint): number =>
  current === NO_STREAM ? 0 : Number(current) + 1;

/** Our 1-based, inclusive `fromVersion` (already checked to be ≥ 1) → the client's 0-based `fromRevision`. */
export const toRevision = (version: number): bigint => BigInt(version - 1);

/**
 * ESDB has no schema-version field, so it travels inside the metadata JSON. `$correlationId` /
 * `$causationId` are ESDB's own names for the same ideas; writing them lets the server's
 * `$by_correlation_id` projection index our events. All three are stripped again on read.
 */
export const toEventData = (event: PreparedEvent): EventData => {
  const metadata = JSON.parse(event.metadataJson) as EventMetadata;
  return {
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    // Already checked to be JSON; the client stringifies it again on the wire.
    data: JSON.parse(event.dataJson) as JSONType,
    metadata: {
      ...metadata,
      schemaVersion: event.schemaVersion,
      $correlationId: metadata.correlationId,
      ...(metadata.causationId === undefined ? {} : { $causationId: metadata.causationId }),
    },
  };
};

/** Decides from the envelope alone whether an event is wanted, before its contents are looked at. */
export type Keep = (streamName: string, type: string, position: number) => boolean;

/**
 * A resolved ESDB event → ours, or undefined when it is the server's own ($-prefixed) or `keep` rejects it.
 * `keep` runs first because `$all` on a shared server holds other applications' events, which need not look
 * like ours; only an event we asked for and cannot read is reported as corrupt.
 */
export const fromResolved = (resolved: ResolvedEvent, keep: Keep = () => true): RecordedEvent | undefined => {
  const event = resolved.event;
  if (event === undefined || isSystem(event.streamId, event.type)) return undefined;
  const commit = event.position?.commit ?? resolved.commitPosition;
  if (commit === undefined) {
    throw new StoreCorruptedError(`Event ${event.id} in '${event.streamId}' came back without a log position (EventStoreDB < 22.6?).`);
  }
  if (!keep(event.streamId, event.type, Number(commit))) return undefined;
  if (!event.isJson || !isRecord(event.metadata)) {
    throw new StoreCorruptedError(`Event ${event.id} in '${event.streamId}' was not written by freshet (no JSON metadata).`);
  }
  const { schemaVersion, $correlationId: _c, $causationId: _k, ...metadata } = event.metadata;
  return {
    id: event.id,
    type: event.type,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: event.data,
    metadata: toEventMetadata(metadata),
    streamName: event.streamId,
    version: toVersion(event.revision),
    position: Number(commit),
    recordedAt: event.created.toISOString(),
  };
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

const toEventMetadata = (m: Record<string, unknown>): EventMetadata => ({
  ...m,
  actor: String(m.actor),
  correlationId: String(m.correlationId),
  occurredAt: String(m.occurredAt),
});

/** `$`-prefixed streams and types belong to the server (stats, metadata, projections): never ours. */
export const isSystem = (streamName: string, type: string): boolean => streamName.startsWith('$') || type.startsWith('$');

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A server-side subscription filter, only to narrow what comes over the wire: ESDB takes one filter (on stream
 * name or on type), so prefixes win, and the exact check (matchesFilter) still runs on every event.
 */
export const toServerFilter = (filter: NormalizedFilter): Filter => {
  if (filter.prefixes !== undefined && filter.prefixes.length > 0) return streamNameFilter({ prefixes: [...filter.prefixes] });
  if (filter.eventTypes !== undefined && filter.eventTypes.length > 0) {
    return eventTypeFilter({ regex: `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$` });
  }
  return excludeSystemEvents();
};
