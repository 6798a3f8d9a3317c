import type { Database } from 'better-sqlite3';
import type { Checkpoint, LedgerSave, LoadedReadModel, ProjectedWorkflow, ProjectionPersistence, ReadModelLocation } from './persistence.ts';
import { clearOccurrences, sqliteOccurrenceIndex, writeOccurrences } from './sqlite-occurrences.ts';
import { hasEventColumn, openReadModelFile, readModelDamage, ReadModelUnreadable } from './sqlite-read-model-file.ts';

/**
 * The read model in its own SQLite file beside the event log. Rows and checkpoint are written in one transaction,
 * so a crash leaves a consistent (if older) read model that catches up from its checkpoint. No fsync per save:
 * anything lost is replayed from the log. The file is a cache of the log: one that cannot be read is moved aside
 * and rebuilt (sqlite-read-model-file.ts), and the move is reported in `notices`.
 */
export function sqliteProjectionPersistence(path: string, location?: ReadModelLocation, options: { readOnly?: boolean } = {}): ProjectionPersistence {
  const readOnly = options.readOnly ?? false;
  const notices: string[] = [];
  let db: Database | undefined;
  const upsert = 'INSERT INTO workflow_rows (workflow_id, version, state) VALUES (?, ?, ?) ON CONFLICT(workflow_id) DO UPDATE SET version = excluded.version, state = excluded.state';
  const setCheckpoint = "INSERT INTO projection_checkpoint (name, position, event) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position, event = excluded.event";
  const opened = (): Database => {
    if (!db) throw new Error(`The read model ${path} is used before it was loaded.`);
    return db;
  };
  const write = (checkpoint: Checkpoint, rows: ReadonlyMap<string, ProjectedWorkflow>, replace: boolean, ledger?: LedgerSave): void => {
    if (readOnly) throw new Error(`The read model ${path} was opened read-only.`);
    const d = opened();
    d.transaction(() => {
      if (replace) {
        d.exec('DELETE FROM workflow_rows');
        clearOccurrences(d);
        d.prepare(setCheckpoint).run('occurrences', 0, null);
      }
      const insert = d.prepare(upsert);
      for (const [id, row] of rows) insert.run(id, row.version, JSON.stringify(row.state));
      d.prepare(setCheckpoint).run('workflow_info', checkpoint.position, checkpoint.event);
      if (ledger) {
        writeOccurrences(d, ledger.batch);
        d.prepare(setCheckpoint).run('occurrences', ledger.position, null);
      }
    })();
  };
  return {
    location: location ?? { readModel: path, log: 'its event log', storeArgs: '' },
    notices,
    occurrences: sqliteOccurrenceIndex(opened),
    load: async () => {
      if (db?.open) db.close();
      let loaded: LoadedReadModel;
      try {
        db = openReadModelFile(path, readOnly);
        loaded = readAll(db);
      } catch (error) {
        // Read-only, an unreadable file is reported as it is: moving it aside is for the freshet that rebuilds it.
        if (!(error instanceof ReadModelUnreadable) || readOnly) throw error;
        db?.close();
        notices.push(readModelDamage(path, error));
        db = openReadModelFile(path);
        loaded = readAll(db);
      }
      return loaded;
    },
    save: async (checkpoint, changed, ledger) => write(checkpoint, changed, false, ledger),
    replace: async (checkpoint, rows) => write(checkpoint, rows, true),
    close: async () => {
      if (db?.open) db.close();
    },
  };
}

function readAll(db: Database): LoadedReadModel {
  try {
    const cp = db.prepare(`SELECT position, ${hasEventColumn(db) ? 'event' : 'NULL AS event'} FROM projection_checkpoint WHERE name = 'workflow_info'`).get() as { position: unknown; event: unknown } | undefined;
    const position = cp?.position ?? 0;
    const event = cp?.event ?? null;
    if (!Number.isSafeInteger(position) || (position as number) < 0 || (event !== null && typeof event !== 'string')) {
      throw new ReadModelUnreadable(`its checkpoint (${String(position)}, ${String(event)}) is not a position and an event`);
    }
    const rows = new Map<string, ProjectedWorkflow>();
    for (const r of db.prepare('SELECT workflow_id, version, state FROM workflow_rows').iterate() as Iterable<{ workflow_id: string; version: number; state: string }>) {
      rows.set(r.workflow_id, { version: r.version, state: parseState(r.state, r.workflow_id) });
    }
    const ledger = db.prepare("SELECT position FROM projection_checkpoint WHERE name = 'occurrences'").get() as { position: number } | undefined;
    return { checkpoint: { position: position as number, event: position === 0 ? null : (event as string | null) }, rows, ledgerPosition: ledger?.position ?? 0 };
  } catch (error) {
    throw error instanceof ReadModelUnreadable ? error : ReadModelUnreadable.from(error);
  }
}

function parseState(text: string, id: string): ProjectedWorkflow['state'] {
  try {
    return JSON.parse(text) as ProjectedWorkflow['state'];
  } catch (error) {
    throw new ReadModelUnreadable(`the row of workflow ${id} is not JSON (${(error as Error).message})`);
  }
}
