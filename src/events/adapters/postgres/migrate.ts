import type pg from 'pg';
import { StoreCorruptedError } from '../../errors.ts';
import { sqlText, type Target } from './connection.ts';

/** The schema version this freshet writes; migrate-N.sql takes a schema from version N - 1 to N. */
export const SCHEMA_VERSION = 4;
/** The tables the current version has (besides schema_version), checked after migrating. */
const TABLES = ['events', 'head', 'projection_checkpoint', 'workflow_rows', 'occurrence_rows', 'skipped_ranges', 'workflow_commands'];

const refused = (target: Target, what: string): StoreCorruptedError =>
  new StoreCorruptedError(`The PostgreSQL schema ${target.schema} at ${target.label} ${what}. It was left untouched.`);

/**
 * Creates the store's schema, or migrates it to SCHEMA_VERSION, in one transaction under an advisory lock, so
 * processes opening the same schema at once wait for each other and the later ones find it ready. A schema that
 * holds other tables, or one from a newer freshet, is refused, never changed or misread.
 */
export async function migrate(client: pg.ClientBase, target: Target): Promise<void> {
  const sql = (name: string): string => sqlText(name, target.schema);
  await client.query('BEGIN');
  try {
    await client.query(sql('lock-schema'), [target.schema]);
    const state = await client.query<{ schema_exists: boolean; tables: string[] }>(sql('schema-state'), [target.schema]);
    const { schema_exists: exists, tables } = state.rows[0]!;
    let version = 0;
    if (tables.includes('schema_version')) {
      version = (await client.query<{ version: number }>(sql('schema-version'))).rows[0]?.version ?? 0;
    } else if (tables.length > 0) {
      throw refused(target, `holds tables (${tables.join(', ')}) but no schema_version row: it is not a freshet event store`);
    }
    if (version > SCHEMA_VERSION) {
      throw refused(target, `has schema version ${version}, newer than this freshet understands (${SCHEMA_VERSION}); upgrade freshet to open it`);
    }
    if (!exists) await client.query(sql('create-schema'));
    await client.query(sql('schema-version-table'));
    for (let next = version + 1; next <= SCHEMA_VERSION; next += 1) await client.query(sql(`migrate-${next}`));
    if (version < SCHEMA_VERSION) await client.query(sql('set-schema-version'), [SCHEMA_VERSION]);
    const after = await client.query<{ tables: string[] }>(sql('schema-state'), [target.schema]);
    const missing = TABLES.filter((table) => !after.rows[0]!.tables.includes(table));
    if (missing.length > 0) throw refused(target, `lacks the tables ${missing.join(', ')} at schema version ${SCHEMA_VERSION}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
