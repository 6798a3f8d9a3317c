import { existsSync, renameSync } from 'node:fs';
import Sqlite, { type Database } from 'better-sqlite3';
import { OCCURRENCE_SCHEMA, OCCURRENCE_TABLES } from './sqlite-occurrences.ts';

const TABLES: Readonly<Record<string, readonly string[]>> = {
  projection_checkpoint: ['name', 'position', 'event'],
  workflow_rows: ['workflow_id', 'version', 'state'],
  ...OCCURRENCE_TABLES,
};
// A file from before the indexed ledger gains its tables here, with no ledger checkpoint: the ledger is then built
// from the log at the next start (workflow-projection.ts).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS projection_checkpoint (name TEXT PRIMARY KEY, position INTEGER NOT NULL, event TEXT);
CREATE TABLE IF NOT EXISTS workflow_rows (workflow_id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL);
${OCCURRENCE_SCHEMA}`;

/** The read model file cannot be read as one: not a database, damaged, or tables that are not the read model's. */
export class ReadModelUnreadable extends Error {
  override name = 'ReadModelUnreadable';

  /** SQLite's "this is not a (sound) database" as unreadable; anything else (busy, full, read-only) is not ours to fix. */
  static from(error: unknown): unknown {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    return /^SQLITE_(CORRUPT|NOTADB)/.test(code) ? new ReadModelUnreadable(`${code}: ${(error as Error).message}`, { cause: error }) : error;
  }
}

const columnsOf = (db: Database, table: string): string[] =>
  db.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all(table).map((c) => c.name);

/** Whether the checkpoint table has its event column (a file from before checkpoints named their event has not). */
export const hasEventColumn = (db: Database): boolean => columnsOf(db, 'projection_checkpoint').includes('event');

/**
 * Opens (or creates) the read model file and checks its tables. A file written before checkpoints named their
 * event gains the column; a file with tables of its own, or with the read model's tables lacking columns, is
 * unreadable rather than silently extended. Read-only (replay --verify) changes nothing and creates nothing.
 */
export function openReadModelFile(path: string, readOnly = false): Database {
  let db: Database | undefined;
  try {
    db = readOnly ? new Sqlite(path, { readonly: true, fileMustExist: true }) : new Sqlite(path);
    if (!readOnly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'").all().map((t) => t.name);
    const foreign = tables.filter((t) => !(t in TABLES));
    if (foreign.length > 0) throw new ReadModelUnreadable(`it holds tables that are not the read model's (${foreign.join(', ')})`);
    if (!readOnly) {
      if (tables.includes('projection_checkpoint') && !hasEventColumn(db)) db.exec('ALTER TABLE projection_checkpoint ADD COLUMN event TEXT');
      db.exec(SCHEMA);
    }
    for (const [table, wanted] of Object.entries(TABLES)) {
      const present = columnsOf(db!, table);
      // Read-only, a file from before a table or column was added is read as it is (replay --verify).
      if (readOnly && present.length === 0) continue;
      const missing = wanted.filter((c) => !present.includes(c) && !(readOnly && c === 'event'));
      if (missing.length > 0) throw new ReadModelUnreadable(`its ${table} table lacks the columns ${missing.join(', ')}`);
    }
    return db;
  } catch (error) {
    db?.close();
    throw error instanceof ReadModelUnreadable ? error : ReadModelUnreadable.from(error);
  }
}

/**
 * Moves an unreadable read model aside, with its -wal and -shm files, under a name that sorts by time and is never
 * overwritten: it is only a cache of the log, so freshet rebuilds it, but the bad file is kept for a post-mortem.
 * Answers the line to tell the operator.
 */
export function readModelDamage(path: string, error: ReadModelUnreadable): string {
  const aside = `${path}.corrupt-${new Date().toISOString().replaceAll(':', '-')}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${aside}${suffix}`);
  }
  return `The read model ${path} could not be read (${error.message}); it was moved aside to ${aside} and is rebuilt from the event log.`;
}
