import type { Database, Statement } from 'better-sqlite3';
import { sqlText as sql } from './connection.js';

export const schemaSql = (): string => sql('schema');

/** Rows as SQLite returns them (see sql/schema.sql). */
export interface EventRow {
  position: number;
  stream: string;
  version: number;
  id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
}

/** An EventRow as an array, in the column order of sql/read-all.sql. */
export type EventTuple = [position: number, stream: string, version: number, id: string, type: string, schemaVersion: number, data: string, metadata: string, recordedAt: string];

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
  readStreamForwards: Statement<[string, number, number], EventRow>;
  readStreamBackwards: Statement<[string, number, number], EventRow>;
  readAll: Statement<[ReadAllParams], EventTuple>;
  headPosition: Statement<[], { head: number }>;
}

export function prepareStatements(db: Database): Statements {
  return {
    streamHead: db.prepare<[string], { version: number; position: number }>(sql('stream-head')),
    readStreamForwards: db.prepare<[string, number, number], EventRow>(sql('read-stream-forwards')),
    readStreamBackwards: db.prepare<[string, number, number], EventRow>(sql('read-stream-backwards')),
    readAll: db.prepare<[ReadAllParams], EventTuple>(sql('read-all')).raw(),
    headPosition: db.prepare<[], { head: number }>(sql('head-position')),
  };
}
