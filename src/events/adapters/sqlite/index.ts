export { createSqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store.ts';
