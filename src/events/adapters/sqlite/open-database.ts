import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import Sqlite, { type Database } from 'better-sqlite3';
import { dirname } from 'node:path';
import { StoreCorruptedError, StoreUnavailableError } from '../../errors.ts';
import { mapSqliteError } from './errors.ts';
import { schemaSql } from './statements.ts';
import { sqlText, tuneConnection } from './connection.js';
import { RECENT_BUCKETS } from './batch-writer.js';
import { eventChecksum } from './checksum.js';

/** 'FRSH': marks a SQLite file as a freshet event store (PRAGMA application_id). */
const APPLICATION_ID = 0x46525348;
/** Bumped when the schema changes; a file from a newer format is refused rather than misread. */
export const FORMAT_VERSION = 3;
const HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const EVENT_COLUMNS = ['position', 'stream', 'version', 'id', 'type', 'schema_version', 'data', 'metadata', 'recorded_at'];
/** The columns each table of the current format must have (sql/schema.sql). */
const TABLES: Readonly<Record<string, readonly string[]>> = {
  log: [...EVENT_COLUMNS, 'checksum'],
  meta: ['key', 'value'],
  streams: ['stream_id', 'name', 'version', 'position', 'bucket'],
  stream_index: ['stream_id', 'version', 'position'],
  recent_index: ['bucket', 'stream_id', 'version', 'position'],
};

export interface OpenOptions {
  path: string;
  durability: 'durable' | 'relaxed';
  busyTimeoutMs: number;
  checkIntegrity: boolean;
}

const corrupted = (path: string, what: string): StoreCorruptedError =>
  new StoreCorruptedError(`Event store file ${path} ${what}. It was left untouched; restore it from a backup or move it aside.`);

/**
 * Cheap checks before SQLite reads the file: a torn or foreign file must be reported, never "repaired" by
 * SQLite recreating or truncating it. With a -wal file beside it, SQLite's recovery owns the size check.
 */
function checkFileHeader(path: string): void {
  if (!existsSync(path)) return;
  const size = statSync(path).size;
  if (size === 0) return;
  if (size < 100) throw corrupted(path, `is ${size} bytes long, shorter than a SQLite header (torn write?)`);
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (!header.subarray(0, 16).equals(HEADER)) throw corrupted(path, 'does not start with the SQLite header (not a database, or its first page is damaged)');
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw corrupted(path, `has an invalid page size ${rawPageSize} in its header`);
  const pages = header.readUInt32BE(28);
  const sizeIsValid = header.readUInt32BE(24) === header.readUInt32BE(92);
  if (!existsSync(`${path}-wal`) && sizeIsValid && size < pages * pageSize) {
    throw corrupted(path, `is truncated: ${size} bytes, but its header says ${pages} pages of ${pageSize} bytes`);
  }
}

const columnsOf = (db: Database, table: string): string[] =>
  db.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all(table).map((column) => column.name);

function checkTables(db: Database, path: string, tables: Readonly<Record<string, readonly string[]>>): void {
  for (const [table, wanted] of Object.entries(tables)) {
    const columns = columnsOf(db, table);
    const missing = wanted.filter((column) => !columns.includes(column));
    if (missing.length > 0) throw corrupted(path, `lacks the ${table} table or its columns ${missing.join(', ')}`);
  }
}

/**
 * Copies an older format's events into the current log table, stamping each with its checksum (checksum.js), in
 * pages (a connection cannot write while it iterates, and a million rows at once would not fit the heap).
 */
function copyWithChecksums(db: Database, from: string): void {
  const insert = db.prepare(sqlText('insert-event'));
  const page = db.prepare(`SELECT ${EVENT_COLUMNS.join(', ')} FROM ${from} WHERE position > ? ORDER BY position LIMIT 10000`).raw();
  for (let after = 0, rows = page.all(after) as EventRow9[]; rows.length > 0; rows = page.all(after) as EventRow9[]) {
    for (const r of rows) insert.run(...r, eventChecksum(...r));
    after = rows[rows.length - 1]![0];
  }
}
type EventRow9 = [number, string, number, string, string, number, string, string, string];

/**
 * Upgrades the file in one transaction: a crash leaves the older format intact, and a second process opening the
 * file meanwhile waits, then finds the current one. Positions stay as they were.
 * - Format 1 kept its events in a table called events with one UNIQUE (stream, version) index; since format 2
 *   they live in the log table beside the streams table and the two-level stream index, built here from them.
 * - Format 3 gives each event a checksum: the log table is rebuilt with the column (NOT NULL, so a format 2
 *   freshet still writing to the file fails instead of adding rows nobody can verify).
 * Processes still running an older freshet on the file must be stopped first.
 */
function migrate(db: Database, from: 1 | 2): void {
  db.transaction(() => {
    if ((db.pragma('user_version', { simple: true }) as number) !== from) return;
    const old = from === 1 ? 'events_format_1' : 'log_format_2';
    db.exec(`ALTER TABLE ${from === 1 ? 'events' : 'log'} RENAME TO ${old}`);
    db.exec(schemaSql());
    copyWithChecksums(db, old);
    if (from === 1) db.exec(sqlText('migrate-from-1').replaceAll('@buckets', String(RECENT_BUCKETS)));
    else db.exec(`DROP TABLE ${old}`);
    // Older formats let SQLite number rows, and a format 1 file may have gaps: consecutive from the next one on.
    setConsecutiveFrom(db, (db.prepare(sqlText('head-position')).pluck().get() as number) + 1);
    db.pragma(`user_version = ${FORMAT_VERSION}`);
  }).immediate();
}

function setConsecutiveFrom(db: Database, position: number): void {
  db.prepare("INSERT INTO meta (key, value) VALUES ('consecutive_from', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(position);
}

/** The position from which the file's positions have no gaps (see rows.ts checkContiguous). */
export function consecutiveFrom(db: Database): number {
  return (db.prepare("SELECT value FROM meta WHERE key = 'consecutive_from'").pluck().get() as number | undefined) ?? Number.MAX_SAFE_INTEGER;
}

function checkOrCreateSchema(db: Database, path: string): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const format = db.pragma('user_version', { simple: true }) as number;
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'").all();
  if (applicationId === 0 && format === 0 && tables.length === 0) {
    // BEGIN IMMEDIATE + IF NOT EXISTS: two processes creating the same new file both succeed.
    db.transaction(() => {
      db.exec(schemaSql());
      setConsecutiveFrom(db, 1);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${FORMAT_VERSION}`);
    }).immediate();
    return;
  }
  if (applicationId !== APPLICATION_ID) {
    throw corrupted(path, `is a SQLite database but not a freshet event store (application_id ${applicationId}, tables: ${tables.map((t) => t.name).join(', ') || 'none'})`);
  }
  if (format > FORMAT_VERSION) {
    throw corrupted(path, `has format version ${format}, newer than this freshet understands (${FORMAT_VERSION}); upgrade freshet to open it`);
  }
  if (format < 1) throw corrupted(path, `has no format version (user_version ${format})`);
  if (format === 1) checkTables(db, path, { events: EVENT_COLUMNS });
  if (format === 2) checkTables(db, path, { log: EVENT_COLUMNS, streams: TABLES.streams!, stream_index: TABLES.stream_index!, recent_index: TABLES.recent_index! });
  if (format < FORMAT_VERSION) migrate(db, format as 1 | 2);
  checkTables(db, path, TABLES);
}

/** Opens (or creates) the store's file: WAL, fsync per commit when durable, verified before use. */
export function openDatabase(options: OpenOptions): Database {
  const { path } = options;
  if (!existsSync(dirname(path))) {
    throw new StoreUnavailableError(`Cannot open event store file ${path}: its directory ${dirname(path)} does not exist (create it first).`);
  }
  checkFileHeader(path);
  let db: Database | undefined;
  try {
    db = new Sqlite(path, { timeout: options.busyTimeoutMs });
    // Read-only checks first: nothing is written to a file that turns out to be damaged or foreign.
    if (options.checkIntegrity) {
      const problems = (db.pragma('quick_check(5)') as { quick_check: string }[]).map((row) => row.quick_check);
      if (problems.length !== 1 || problems[0] !== 'ok') throw corrupted(path, `failed SQLite's integrity check: ${problems.join('; ')}`);
    }
    checkOrCreateSchema(db, path);
    const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
    if (mode !== 'wal') throw new Error(`could not switch ${path} to WAL (journal_mode is ${mode})`);
    tuneConnection(db, options.durability);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof StoreCorruptedError) throw error;
    throw mapSqliteError(error, path, 'opening it');
  }
}
