export { createPostgresEventStore, openPostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store.ts';
export { preparePostgresSchema } from './prepare-schema.ts';
