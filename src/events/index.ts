/**
 * The events folder's public face: the store port, its errors, the shared rules every adapter applies, and the
 * adapters behind the port.
 *
 * Decisions every adapter follows (and test/events/contract.ts checks):
 * - Appending an empty list checks the expected version and appends nothing; it answers the stream's version
 *   and the position of its last event (0 when the stream does not exist).
 * - Idempotent retries: an append whose ids (all given by the caller) already sit where the append would have
 *   put them is a no-op answering the original result; see retrySliceStart in expected-version.ts.
 * - Input is checked before anything is stored (validation.ts): a bad stream name, event, id (must be a UUID),
 *   option or non-JSON data fails with EventStoreArgumentError. Data is stored as JSON and read back as JSON.
 * - Positions are strictly increasing in log order; memory and SQLite number them 1, 2, 3…, EventStoreDB not.
 */
export type * from './types.ts';
export * from './errors.ts';
export { EventStoreArgumentError } from './argument-error.ts';
export { normalizeFilter, matchesFilter, type NormalizedFilter } from './filter.ts';
export { satisfiesExpected, retrySliceStart, sameIds } from './expected-version.js';
export { prepareAppend, checkRemoveEvents, removalRefusal, checkReadStreamOptions, checkReadAllOptions, checkAfter, checkStreamName, type PreparedAppend, type PreparedEvent } from './validation.ts';
export { createMemoryEventStore, type MemoryEventStoreOptions } from './adapters/memory/index.ts';
export { createSqliteEventStore, type SqliteEventStoreOptions } from './adapters/sqlite/index.ts';
export { createEsdbEventStore, type EsdbEventStoreOptions } from './adapters/esdb/index.ts';
export { createPostgresEventStore, openPostgresEventStore, preparePostgresSchema, type PostgresEventStoreOptions } from './adapters/postgres/index.ts';
export { eventMetadata, type CommandContext, type CommandRequest } from './metadata.ts';
export { atOwnVersion, decideAndAppend, type Decision, type Appended, type Versioned } from './decide-append.ts';
export { openEventStore, storeKindOf, StoreSpecError, type StoreKind } from './open-store.ts';
export { SerialPerKey } from './serial-per-key.ts';
export { readPages, type ReadPagesOptions } from './read-pages.ts';
