import pg from 'pg';
import { preparePostgresSchema } from '../events/index.ts';
import type { Checkpoint, LedgerSave, ProjectedWorkflow, ProjectionPersistence } from './persistence.ts';
import { clearOccurrencesPg, postgresOccurrenceIndex, writeOccurrencesPg } from './postgres-occurrences.ts';

export interface PostgresProjectionOptions {
  /** The store's connection string (its `?schema=` parameter, or `schema`, names the schema the log is in). */
  connectionString: string;
  schema?: string;
}

/**
 * The read model in the event store's own schema (tables of its migration 2), shared by every node on that schema.
 * Rows and checkpoint are saved in one transaction, and a save never moves anything backwards: a row only takes a
 * higher version, the checkpoint only a higher position. So a node that lags behind another cannot undo its saves,
 * and every row always reflects at least the log up to the checkpoint (whose event moves with its position). No flush to disk per save
 * (synchronous_commit off): anything lost is replayed from the log.
 */
export function postgresProjectionPersistence(options: PostgresProjectionOptions): ProjectionPersistence {
  let pool: pg.Pool | undefined;
  let table: (name: string) => string = () => '';
  let opening: Promise<pg.Pool> | undefined;
  const open = (): Promise<pg.Pool> =>
    (opening ??= preparePostgresSchema(options).then((schema) => {
      const url = new URL(options.connectionString);
      url.searchParams.delete('schema');
      table = (name) => `${pg.escapeIdentifier(schema)}.${name}`;
      pool = new pg.Pool({ connectionString: url.toString(), max: 2, application_name: 'freshet read model' });
      pool.on('error', () => undefined);
      return pool;
    })).catch((error: unknown) => {
      opening = undefined;
      throw error;
    });

  const write = async (checkpoint: Checkpoint, changed: ReadonlyMap<string, ProjectedWorkflow>, replace: boolean, ledger?: LedgerSave): Promise<void> => {
    const db = await open();
    const client = await db.connect();
    try {
      await client.query('BEGIN; SET LOCAL synchronous_commit = off');
      // A rebuild replaces what every node saved: it takes the schema's rows and checkpoint whatever they were.
      if (replace) {
        await client.query(`DELETE FROM ${table('workflow_rows')}; DELETE FROM ${table('projection_checkpoint')}`);
        await clearOccurrencesPg(client, table);
      }
      if (changed.size > 0) {
        // In key order: two nodes saving overlapping rows lock them in the same order, so they cannot deadlock.
        const rows = JSON.stringify([...changed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, row]) => ({ id, version: row.version, state: row.state })));
        await client.query(
          `INSERT INTO ${table('workflow_rows')} (workflow_id, version, state)
           SELECT r.id, r.version, r.state FROM json_to_recordset($1::json) AS r(id text, version integer, state json)
           ON CONFLICT (workflow_id) DO UPDATE SET version = excluded.version, state = excluded.state
           WHERE ${table('workflow_rows')}.version < excluded.version`,
          [rows],
        );
      }
      const cp = table('projection_checkpoint');
      await client.query(
        `INSERT INTO ${cp} (name, position, event) VALUES ('workflow_info', $1, $2)
         ON CONFLICT (name) DO UPDATE SET position = greatest(${cp}.position, excluded.position),
           event = CASE WHEN excluded.position >= ${cp}.position THEN excluded.event ELSE ${cp}.event END`,
        [checkpoint.position, checkpoint.event],
      );
      if (ledger) {
        await writeOccurrencesPg(client, table, ledger.batch);
        await client.query(
          `INSERT INTO ${cp} (name, position) VALUES ('occurrences', $1) ON CONFLICT (name) DO UPDATE SET position = greatest(${cp}.position, excluded.position)`,
          [ledger.position],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  return {
    location: postgresLocation(options),
    notices: [],
    occurrences: postgresOccurrenceIndex(open, () => table),
    async load() {
      const db = await open();
      const checkpoint = await db.query<{ position: string; event: string | null }>(`SELECT position, event FROM ${table('projection_checkpoint')} WHERE name = 'workflow_info'`);
      const ledger = await db.query<{ position: string }>(`SELECT position FROM ${table('projection_checkpoint')} WHERE name = 'occurrences'`);
      const rows = new Map<string, ProjectedWorkflow>();
      const stored = await db.query<{ workflow_id: string; version: number; state: ProjectedWorkflow['state'] }>(`SELECT workflow_id, version, state FROM ${table('workflow_rows')}`);
      for (const row of stored.rows) rows.set(row.workflow_id, { version: row.version, state: row.state });
      const position = Number(checkpoint.rows[0]?.position ?? 0);
      return { checkpoint: { position, event: position === 0 ? null : (checkpoint.rows[0]?.event ?? null) }, rows, ledgerPosition: Number(ledger.rows[0]?.position ?? 0) };
    },
    save: (checkpoint, changed, ledger) => write(checkpoint, changed, false, ledger),
    replace: (checkpoint, rows) => write(checkpoint, rows, true),
    async close() {
      const db = pool;
      pool = undefined;
      opening = undefined;
      await db?.end();
    },
  };
}

/** The schema in an operator's words: host, port, database and schema, never the credentials. */
function postgresLocation(options: PostgresProjectionOptions): ProjectionPersistence['location'] {
  const url = new URL(options.connectionString);
  const schema = options.schema ?? url.searchParams.get('schema') ?? 'freshet';
  const where = `PostgreSQL ${url.hostname || 'localhost'}:${url.port || 5432}/${decodeURIComponent(url.pathname.slice(1))} schema ${schema}`;
  return { readModel: `in ${where} (tables projection_checkpoint, workflow_rows, occurrence_rows, skipped_ranges, workflow_commands)`, log: `in ${where} (table events)`, storeArgs: '--store <its postgres:// URL>' };
}
