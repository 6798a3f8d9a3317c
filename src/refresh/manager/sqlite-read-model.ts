import { existsSync, renameSync } from 'node:fs';
import Sqlite, { type Database, type Statement } from 'better-sqlite3';
import { NO_CHECKPOINT, type ReadModelLocation, ReadModelUnreadable } from '../../projections/index.ts';
import type { OperationState, OperationStatus } from '../operations/index.ts';
import { partitionKey, type LoadedRefreshModel, type RefreshReadModel, type StoredOperation, type StoredTable, type TableSummary } from './read-model.ts';
import type { TableState } from './table-events.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS refresh_checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, event TEXT);
CREATE TABLE IF NOT EXISTS refresh_tables (identifier TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL, summary TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS refresh_operations (
  handle TEXT PRIMARY KEY, table_id TEXT NOT NULL, seq INTEGER NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL,
  open INTEGER NOT NULL, workflow_id TEXT, nominal_time INTEGER, backfill_id TEXT, backfill_index INTEGER,
  partition_key TEXT NOT NULL, ended_at INTEGER, submitted_at INTEGER NOT NULL, state TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS refresh_operations_by_table ON refresh_operations (table_id, seq);
CREATE INDEX IF NOT EXISTS refresh_operations_by_fire ON refresh_operations (workflow_id, nominal_time) WHERE workflow_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS refresh_operations_by_backfill ON refresh_operations (backfill_id, backfill_index) WHERE backfill_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS refresh_operations_open ON refresh_operations (seq) WHERE open = 1;
`;
const TERMINAL = new Set<OperationStatus>(['FINISHED', 'ERROR', 'TIMEOUT', 'CANCELED', 'CLOSED']);

const UPSERT_TABLE = `INSERT INTO refresh_tables VALUES (?, ?, ?, ?) ON CONFLICT (identifier) DO UPDATE SET
  version = excluded.version, state = excluded.state, summary = excluded.summary WHERE excluded.version >= refresh_tables.version`;
const UPSERT_OPERATION = `INSERT INTO refresh_operations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (handle) DO UPDATE SET
  version = excluded.version, status = excluded.status, open = excluded.open, ended_at = excluded.ended_at, state = excluded.state
  WHERE excluded.version > refresh_operations.version`;

/**
 * The refresh read model in its own SQLite file beside the log (refresh.sqlite): a table's summary and an
 * operation each a row, their state as JSON beside the columns the reads filter and order by. Like the WorkflowInfo
 * read model it is a cache of the log, written without fsync (anything lost is replayed), and a file that cannot be
 * read is moved aside and rebuilt from the log (`notices` says so).
 */
export function sqliteRefreshModel(path: string, location?: ReadModelLocation): RefreshReadModel & { readonly notices: string[]; close(): void } {
  const notices: string[] = [];
  let db: Database | undefined;
  // Prepared once per file: a prepare costs more than the indexed read it serves, and a start folding a million
  // operations asks for one per operation.
  let statements = new Map<string, Statement>();
  const open = (): Database => {
    if (db) return db;
    statements = new Map();
    try {
      db = openFile(path);
    } catch (error) {
      const unreadable = ReadModelUnreadable.from(error);
      if (!(unreadable instanceof ReadModelUnreadable)) throw error;
      const aside = `${path}.corrupt-${new Date().toISOString().replaceAll(':', '-')}`;
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${aside}${suffix}`);
      notices.push(`The refresh read model ${path} could not be read (${unreadable.message}); it was moved aside to ${aside} and is rebuilt from the event log.`);
      db = openFile(path);
    }
    return db;
  };
  const sql = (text: string): Statement => {
    const d = open();
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = d.prepare(text)));
    return statement;
  };
  const parse = <T>(text: string): T => JSON.parse(text) as T;
  const stateOf = (row: { state: string } | undefined): OperationState | undefined => (row ? parse<OperationState>(row.state) : undefined);
  const stored = (row: { state: string; seq: number }): StoredOperation => ({ state: parse<OperationState>(row.state), seq: row.seq });
  return {
    ...(location ? { location } : {}),
    notices,
    load: async (): Promise<LoadedRefreshModel> => {
      const cp = sql('SELECT position, event FROM refresh_checkpoint').get() as { position: number; event: string | null } | undefined;
      const tables = (sql('SELECT state, summary FROM refresh_tables').all() as { state: string; summary: string }[]).map(
        (r): StoredTable => ({ state: parse<TableState>(r.state), summary: parse<TableSummary>(r.summary) }),
      );
      const open_ = (sql('SELECT state, seq FROM refresh_operations WHERE open = 1 ORDER BY seq').all() as { state: string; seq: number }[]).map(stored);
      const { last } = sql('SELECT coalesce(max(seq), 0) AS last FROM refresh_operations').get() as { last: number };
      return { checkpoint: cp ? { position: cp.position, event: cp.event } : NO_CHECKPOINT, tables, open: open_, lastSeq: last };
    },
    save: async (checkpoint, tables, operations) => {
      const d = open();
      d.transaction(() => {
        const t = sql(UPSERT_TABLE);
        for (const { state, summary } of tables) t.run(state.definition.identifier, state.version, JSON.stringify(state), JSON.stringify(summary));
        const o = sql(UPSERT_OPERATION);
        for (const { state: s, seq } of operations) {
          o.run(s.operationHandle, s.table, seq, s.version, s.status, TERMINAL.has(s.status) ? 0 : 1, s.workflowId, s.nominalTime ?? null, s.backfill?.id ?? null, s.backfill?.index ?? null, partitionKey(s.partitions), s.endedAt, s.submittedAt, JSON.stringify(s));
        }
        sql('INSERT INTO refresh_checkpoint VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position, event = excluded.event WHERE excluded.position >= refresh_checkpoint.position').run(checkpoint.position, checkpoint.event);
      })();
    },
    operation: async (handle) => stateOf(sql('SELECT state FROM refresh_operations WHERE handle = ?').get(handle) as { state: string } | undefined),
    operationOfFire: async (workflowId, nominalTime) =>
      stateOf(sql('SELECT state FROM refresh_operations WHERE workflow_id = ? AND nominal_time = ? ORDER BY seq DESC LIMIT 1').get(workflowId, nominalTime) as { state: string } | undefined),
    operationOfBackfill: async (table, backfillId, index) =>
      stateOf(sql('SELECT state FROM refresh_operations WHERE backfill_id = ? AND backfill_index = ? AND table_id = ? ORDER BY seq LIMIT 1').get(backfillId, index, table) as { state: string } | undefined),
    operations: async (table, page) => {
      const rows = sql('SELECT state, seq FROM refresh_operations WHERE table_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?')
        .all(table, page.before ?? Number.MAX_SAFE_INTEGER, page.limit + 1) as { state: string; seq: number }[];
      const taken = rows.slice(0, page.limit).map(stored);
      return { operations: taken, next: rows.length > page.limit ? taken.at(-1)!.seq : null };
    },
    async *allOperations(table) {
      // Paged by seq, so no statement stays open across the caller's awaits.
      let after = -1;
      for (;;) {
        const rows = sql('SELECT state, seq FROM refresh_operations WHERE table_id = ? AND seq > ? ORDER BY seq LIMIT 1000').all(table, after) as { state: string; seq: number }[];
        for (const r of rows) yield stored(r);
        if (rows.length < 1000) return;
        after = rows.at(-1)!.seq;
      }
    },
    lastEnded: async (table) =>
      stateOf(
        sql("SELECT state FROM refresh_operations WHERE table_id = ? AND ended_at IS NOT NULL AND status <> 'CLOSED' ORDER BY ended_at DESC, submitted_at DESC, seq DESC LIMIT 1")
          .get(table) as { state: string } | undefined,
      ),
    lastByPartition: async (table) => {
      // SQLite's bare columns with max(): each group's status is the one of its row with the highest seq.
      const rows = sql('SELECT partition_key AS key, status, max(seq) FROM refresh_operations WHERE table_id = ? GROUP BY partition_key').all(table) as { key: string; status: OperationStatus }[];
      return new Map(rows.map((r) => [r.key, r.status]));
    },
    close: () => {
      db?.close();
      db = undefined;
      statements.clear();
    },
  };
}

function openFile(path: string): Database {
  const db = new Sqlite(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
