import { readFileSync } from 'node:fs';
import type { Database, Statement } from 'better-sqlite3';

const sql = (name: string): string => readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8');

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

export interface ReadAllParams {
  after: number;
  upto: number;
  limit: number;
  types: string | null;
  prefixes: string | null;
}

/** Every statement the adapter runs, prepared once per connection. */
export interface Statements {
  begin: Statement<[]>;
  commit: Statement<[]>;
  rollback: Statement<[]>;
  /** Plucked: the version, or null for a missing stream. */
  streamVersion: Statement<[string], number | null>;
  streamHead: Statement<[string], { version: number; position: number }>;
  streamSliceIds: Statement<[string, number, number], { id: string; position: number }>;
  insertEvent: Statement<[string, number, string, string, number, string, string, string]>;
  insertFirstEvent: Statement<[string, string, string, number, string, string, string]>;
  readStreamForwards: Statement<[string, number, number], EventRow>;
  readStreamBackwards: Statement<[string, number, number], EventRow>;
  readAll: Statement<[ReadAllParams], EventRow>;
  headPosition: Statement<[], { head: number }>;
}

export function prepareStatements(db: Database): Statements {
  return {
    // IMMEDIATE takes the write lock up front, so the version checks inside see what the commit will follow.
    begin: db.prepare<[]>('BEGIN IMMEDIATE'),
    commit: db.prepare<[]>('COMMIT'),
    rollback: db.prepare<[]>('ROLLBACK'),
    streamVersion: db.prepare<[string], number | null>(sql('stream-version')).pluck(),
    streamHead: db.prepare<[string], { version: number; position: number }>(sql('stream-head')),
    streamSliceIds: db.prepare<[string, number, number], { id: string; position: number }>(sql('stream-slice-ids')),
    insertEvent: db.prepare<[string, number, string, string, number, string, string, string]>(sql('insert-event')),
    insertFirstEvent: db.prepare<[string, string, string, number, string, string, string]>(sql('insert-first-event')),
    readStreamForwards: db.prepare<[string, number, number], EventRow>(sql('read-stream-forwards')),
    readStreamBackwards: db.prepare<[string, number, number], EventRow>(sql('read-stream-backwards')),
    readAll: db.prepare<[ReadAllParams], EventRow>(sql('read-all')),
    headPosition: db.prepare<[], { head: number }>(sql('head-position')),
  };
}
