import Database from 'better-sqlite3';
import type { ProjectedWorkflow, ProjectionPersistence } from './persistence.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS projection_checkpoint (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS workflow_rows (workflow_id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL);
`;

/**
 * The read model in its own SQLite file beside the event log. Rows and checkpoint are written in one transaction,
 * so a crash leaves a consistent (if older) read model that catches up from its checkpoint. No fsync per save:
 * anything lost is replayed from the log.
 */
export function sqliteProjectionPersistence(path: string): ProjectionPersistence {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  const upsert = db.prepare('INSERT INTO workflow_rows (workflow_id, version, state) VALUES (?, ?, ?) ON CONFLICT(workflow_id) DO UPDATE SET version = excluded.version, state = excluded.state');
  const checkpoint = db.prepare("INSERT INTO projection_checkpoint (name, position) VALUES ('workflow_info', ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position");
  const save = db.transaction((position: number, changed: ReadonlyMap<string, ProjectedWorkflow>) => {
    for (const [id, row] of changed) upsert.run(id, row.version, JSON.stringify(row.state));
    checkpoint.run(position);
  });
  return {
    load: async () => {
      const cp = db.prepare("SELECT position FROM projection_checkpoint WHERE name = 'workflow_info'").get() as { position: number } | undefined;
      const rows = new Map<string, ProjectedWorkflow>();
      for (const r of db.prepare('SELECT workflow_id, version, state FROM workflow_rows').iterate() as Iterable<{ workflow_id: string; version: number; state: string }>) {
        rows.set(r.workflow_id, { version: r.version, state: JSON.parse(r.state) });
      }
      return { position: cp?.position ?? 0, rows };
    },
    save: async (position, changed) => {
      save(position, changed);
    },
    close: async () => {
      if (db.open) db.close();
    },
  };
}
