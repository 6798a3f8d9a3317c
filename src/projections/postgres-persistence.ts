import pg from 'pg';
import { preparePostgresSchema } from '../events/index.ts';
import type { ProjectedWorkflow, ProjectionPersistence } from './persistence.ts';

export interface PostgresProjectionOptions {
  /** The store's connection string (its `?schema=` parameter, or `schema`, names the schema the log is in). */
  connectionString: string;
  schema?: string;
}

/**
 * The read model in the event store's own schema (tables of its migration 2), shared by every node on that schema.
 * Rows and checkpoint are saved in one transaction, and a save never moves anything backwards: a row only takes a
 * higher version, the checkpoint only a higher position. So a node that lags behind another cannot undo its saves,
 * and every row always reflects at least the log up to the checkpoint. No flush to disk per save
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

  return {
    async load() {
      const db = await open();
      const checkpoint = await db.query<{ position: string }>(`SELECT position FROM ${table('projection_checkpoint')} WHERE name = 'workflow_info'`);
      const rows = new Map<string, ProjectedWorkflow>();
      const stored = await db.query<{ workflow_id: string; version: number; state: ProjectedWorkflow['state'] }>(`SELECT workflow_id, version, state FROM ${table('workflow_rows')}`);
      for (const row of stored.rows) rows.set(row.workflow_id, { version: row.version, state: row.state });
      return { position: Number(checkpoint.rows[0]?.position ?? 0), rows };
    },
    async save(position, changed) {
      const db = await open();
      const client = await db.connect();
      try {
        await client.query('BEGIN; SET LOCAL synchronous_commit = off');
        if (changed.size > 0) {
          const rows = JSON.stringify([...changed].map(([id, row]) => ({ id, version: row.version, state: row.state })));
          await client.query(
            `INSERT INTO ${table('workflow_rows')} (workflow_id, version, state)
             SELECT r.id, r.version, r.state FROM json_to_recordset($1::json) AS r(id text, version integer, state json)
             ON CONFLICT (workflow_id) DO UPDATE SET version = excluded.version, state = excluded.state
             WHERE ${table('workflow_rows')}.version < excluded.version`,
            [rows],
          );
        }
        await client.query(
          `INSERT INTO ${table('projection_checkpoint')} (name, position) VALUES ('workflow_info', $1)
           ON CONFLICT (name) DO UPDATE SET position = greatest(${table('projection_checkpoint')}.position, excluded.position)`,
          [position],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      const db = pool;
      pool = undefined;
      opening = undefined;
      await db?.end();
    },
  };
}
