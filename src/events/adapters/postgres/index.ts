export { createPostgresEventStore, openPostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store.ts';
