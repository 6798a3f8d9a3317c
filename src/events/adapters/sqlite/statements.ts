import type { Database, Statement } from 'better-sqlite3';
import { sqlText as sql } from './connection.js';

export const schemaSql = (): string => sql('schema');

/**
 * A row of the events table (sql/schema.sql) as the read statements return it: an array in their column order
 * (raw mode), which a long replay reads faster than objects.
 */
export type EventRow = [position: number, stream: string, version: number, id: string, type: string, schemaVersion: number, data: string, metadata: string, recordedAt: string, checksum: number];

/** From `version` on, forwards or backwards; limit -1 = all. */
export interface ReadStreamParams {
  stream: string;
  version: number;
  limit: number;
}

export interface ReadAllParams {
  after: number;
  upto: number;
  limit: number;
  types: string | null;
  prefixes: string | null;
}

/** The statements the adapter reads with, prepared once per connection (writes: batch-writer.js). */
export interface Statements {
  streamHead: Statement<[string], { version: number; position: number }>;
  readStreamForwards: Statement<[ReadStreamParams], EventRow>;
  readStreamBackwards: Statement<[ReadStreamParams], EventRow>;
  readAll: Statement<[ReadAllParams], EventRow>;
  headPosition: Statement<[], { head: number }>;
}

export function prepareStatements(db: Database): Statements {
  return {
    streamHead: db.prepare<[string], { version: number; position: number }>(sql('stream-head')),
    readStreamForwards: db.prepare<[ReadStreamParams], EventRow>(sql('read-stream-forwards')).raw(),
    readStreamBackwards: db.prepare<[ReadStreamParams], EventRow>(sql('read-stream-backwards')).raw(),
    readAll: db.prepare<[ReadAllParams], EventRow>(sql('read-all')).raw(),
    headPosition: db.prepare<[], { head: number }>(sql('head-position')),
  };
}
