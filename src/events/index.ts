// The events folder's public face: the store port, its errors, and the adapters behind it.
export type * from './types.ts';
export * from './errors.ts';
export { EventStoreArgumentError } from './argument-error.ts';
export { normalizeFilter, matchesFilter, type NormalizedFilter } from './filter.ts';
export { satisfiesExpected, retrySliceStart, sameIds } from './expected-version.ts';
export { prepareAppend, checkReadStreamOptions, checkReadAllOptions, checkAfter, checkStreamName, type PreparedAppend, type PreparedEvent } from './validation.ts';
export { createMemoryEventStore, type MemoryEventStoreOptions } from './adapters/memory/index.ts';
export { createSqliteEventStore, type SqliteEventStoreOptions } from './adapters/sqlite/index.ts';
// export * from './adapters/esdb/index.ts';
