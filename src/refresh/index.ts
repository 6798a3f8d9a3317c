/** The refresh folder's face: Flink's rules, the DuckDB warehouse, refresh operations, the manager and backfills. */
export * from './flink/index.ts';
export * from './warehouse/index.ts';
export * from './operations/index.ts';
export * from './manager/index.ts';
export * from './backfill/index.ts';
// Both faces name the default database 'default'; Flink's constant is the one the statements use.
export { DEFAULT_DATABASE } from './flink/index.ts';
