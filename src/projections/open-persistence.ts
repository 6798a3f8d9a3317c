import { join } from 'node:path';
import { storeKindOf } from '../events/index.ts';
import { memoryProjectionPersistence, type ProjectionPersistence } from './persistence.ts';
import { postgresProjectionPersistence } from './postgres-persistence.ts';
import { sqliteProjectionPersistence } from './sqlite-persistence.ts';

export const projectionsFile = (dataDir: string): string => join(dataDir, 'projections.sqlite');

/** The SQLite log's file, as open-store.ts names it: `sqlite:<path>`, else events.sqlite in the data directory. */
export const sqliteLogFile = (spec: string, dataDir: string): string => (spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : join(dataDir, 'events.sqlite'));

/**
 * Where the WorkflowInfo read model is kept between runs: beside the SQLite log in the data directory, in the
 * PostgreSQL store's schema, or in memory (rebuilt from the log at start) for the other stores. Read-only is for
 * replay --verify, which must not change what it checks (the PostgreSQL one only reads; it never writes unless asked).
 */
export function openProjectionPersistence(spec: string, dataDir: string, options: { readOnly?: boolean } = {}): ProjectionPersistence {
  const kind = storeKindOf(spec);
  if (kind === 'sqlite') {
    const storeArgs = `--data-dir ${dataDir}${spec === 'sqlite' ? '' : ` --store ${spec}`}`;
    return sqliteProjectionPersistence(projectionsFile(dataDir), { readModel: projectionsFile(dataDir), log: sqliteLogFile(spec, dataDir), storeArgs }, options);
  }
  return kind === 'postgres' ? postgresProjectionPersistence({ connectionString: spec }) : memoryProjectionPersistence();
}
