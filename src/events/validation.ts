import { randomUUID } from 'node:crypto';
import { EventStoreArgumentError } from './argument-error.ts';
import type { AppendOptions, ExpectedVersion, NewEvent, ReadAllOptions, ReadStreamOptions } from './types.ts';

/** An event checked and serialized once, before any adapter touches storage. */
export interface PreparedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  dataJson: string;
  metadataJson: string;
}

export interface PreparedAppend {
  streamName: string;
  expected: ExpectedVersion;
  events: PreparedEvent[];
  /** Every event came with its own id, so the append may be a retry of an earlier one. */
  idsGiven: boolean;
}

const fail = (message: string): never => {
  throw new EventStoreArgumentError(message);
};

export function checkStreamName(streamName: unknown): string {
  if (typeof streamName !== 'string' || streamName.length === 0) {
    fail(`Stream name must be a non-empty string, got ${JSON.stringify(streamName) ?? String(streamName)}.`);
  }
  return streamName as string;
}

function checkExpected(expected: unknown): ExpectedVersion {
  if (expected === undefined) return 'any';
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return expected;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return expected;
  return fail(
    `expectedVersion must be a whole number >= 0 (the count of events in the stream), 'no_stream', 'stream_exists' or 'any'; got ${String(expected)}.`,
  );
}

function toJson(value: unknown, at: () => string, field: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    fail(`${at()}.${field} must be JSON-serializable: ${error instanceof Error ? error.message : String(error)}.`);
  }
  return json ?? fail(`${at()}.${field} must be JSON-serializable, got ${typeof value}.`);
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REQUIRED_METADATA = ['actor', 'correlationId', 'occurredAt'] as const;
const OPTIONAL_METADATA = ['reason', 'causationId'] as const;

// Hot path (every append passes here): the error texts are built only when something is wrong.
function prepareEvent(event: NewEvent, index: number): PreparedEvent {
  const at = (): string => `events[${index}]`;
  if (typeof event !== 'object' || event === null) return fail(`${at()} must be an object.`);
  if (!isText(event.type)) fail(`${at()}.type must be a non-empty string.`);
  if (!Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 1) {
    fail(`${at()}.schemaVersion must be a whole number >= 1, got ${String(event.schemaVersion)}.`);
  }
  if (event.id !== undefined && (typeof event.id !== 'string' || !UUID.test(event.id))) {
    fail(`${at()}.id must be a UUID (or be left out so the store generates one), got ${String(event.id)}.`);
  }
  const metadata = event.metadata;
  if (typeof metadata !== 'object' || metadata === null) return fail(`${at()}.metadata must be an object.`);
  for (const key of REQUIRED_METADATA) {
    if (!isText(metadata[key])) fail(`${at()}.metadata.${key} must be a non-empty string.`);
  }
  for (const key of OPTIONAL_METADATA) {
    if (metadata[key] !== undefined && typeof metadata[key] !== 'string') fail(`${at()}.metadata.${key} must be a string when given.`);
  }
  return {
    id: event.id ?? randomUUID(),
    type: event.type,
    schemaVersion: event.schemaVersion,
    dataJson: toJson(event.data, at, 'data'),
    metadataJson: Object.isFrozen(metadata) ? frozenJson(metadata, at) : toJson(metadata, at, 'metadata'),
  };
}

/**
 * Frozen metadata cannot change, so its JSON is made once: the engine stamps every decision of a pass (thousands
 * of claims due at one instant) with one frozen metadata object.
 */
const frozenMetadataJson = new WeakMap<object, string>();
function frozenJson(metadata: object, at: () => string): string {
  let json = frozenMetadataJson.get(metadata);
  if (json === undefined) frozenMetadataJson.set(metadata, (json = toJson(metadata, at, 'metadata')));
  return json;
}

export function prepareAppend(streamName: string, events: readonly NewEvent[], options?: AppendOptions): PreparedAppend {
  checkStreamName(streamName);
  if (!Array.isArray(events)) fail(`Events for stream '${streamName}' must be an array.`);
  const prepared: PreparedEvent[] = [];
  let idsGiven = events.length > 0;
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index]!;
    prepared.push(prepareEvent(event, index));
    if (event.id === undefined) idsGiven = false;
  }
  if (prepared.length > 1 && new Set(prepared.map((event) => event.id)).size !== prepared.length) {
    fail(`Event ids must be distinct within one append to '${streamName}'.`);
  }
  return { streamName, expected: checkExpected(options?.expectedVersion), events: prepared, idsGiven };
}

function checkCount(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    return fail(`${name} must be a whole number >= ${min}, got ${String(value)}.`);
  }
  return value;
}

export function checkReadStreamOptions(options: ReadStreamOptions | undefined): Required<Pick<ReadStreamOptions, 'direction'>> & ReadStreamOptions {
  const direction = options?.direction ?? 'forwards';
  if (direction !== 'forwards' && direction !== 'backwards') fail(`direction must be 'forwards' or 'backwards', got ${String(direction)}.`);
  return {
    direction,
    fromVersion: checkCount(options?.fromVersion, 'fromVersion', 1),
    maxCount: checkCount(options?.maxCount, 'maxCount', 1),
  };
}

export function checkReadAllOptions(options: ReadAllOptions | undefined): { after: number; maxCount: number | undefined } {
  return {
    after: checkCount(options?.after, 'after', 0) ?? 0,
    maxCount: checkCount(options?.maxCount, 'maxCount', 1),
  };
}

export function checkAfter(after: unknown): number {
  return checkCount(after, 'after', 0) ?? 0;
}

/** removeEvents' arguments checked before anything is touched: positions ascending and unique, an instant, types. */
export function checkRemoveEvents(positions: unknown, options: unknown): { positions: number[]; recordedBefore: string; keepTypes: Set<string> } {
  if (!Array.isArray(positions) || positions.some((p) => !Number.isSafeInteger(p) || (p as number) < 1)) {
    fail('positions must be an array of whole numbers >= 1 (the global positions of the events to remove).');
  }
  const sorted = [...new Set(positions as number[])].sort((a, b) => a - b);
  const o = (options ?? {}) as { recordedBefore?: unknown; keepTypes?: unknown };
  if (typeof o.recordedBefore !== 'string' || Number.isNaN(Date.parse(o.recordedBefore))) fail(`recordedBefore must be an ISO-8601 instant, got ${String(o.recordedBefore)}.`);
  if (!Array.isArray(o.keepTypes) || o.keepTypes.some((t) => typeof t !== 'string')) fail('keepTypes must be an array of event type names.');
  return { positions: sorted, recordedBefore: new Date(o.recordedBefore as string).toISOString(), keepTypes: new Set(o.keepTypes as string[]) };
}

/** Why an event may not be removed (undefined: it may). */
export function removalRefusal(e: { position: number; type: string; recordedAt: string; streamName: string }, recordedBefore: string, keepTypes: ReadonlySet<string>, head: number): string | undefined {
  // The head's position would be numbered again by the next append, and two events would share it across log + archive.
  if (e.position >= head) return `position ${e.position} is the log's newest event, which is never removed`;
  if (keepTypes.has(e.type)) return `position ${e.position} (stream ${e.streamName}) is a ${e.type}, a type that is never removed`;
  if (!(Date.parse(e.recordedAt) < Date.parse(recordedBefore))) return `position ${e.position} (stream ${e.streamName}) was recorded at ${e.recordedAt}, not before ${recordedBefore}`;
  return undefined;
}
