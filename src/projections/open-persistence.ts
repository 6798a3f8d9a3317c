import { join } from 'node:path';
import { storeKindOf } from '../events/index.ts';
import { memoryProjectionPersistence, type ProjectionPersistence } from './persistence.ts';
import { postgresProjectionPersistence } from './postgres-persistence.ts';
import { sqliteProjectionPersistence } from './sqlite-persistence.ts';

export const projectionsFile = (dataDir: string): string => join(dataDir, 'projections.sqlite');

/**
 * Where the WorkflowInfo read model is kept between runs: beside the SQLite log in the data directory, in the
 * PostgreSQL store's schema, or in memory (rebuilt from the log at start) for the other stores.
 */
export function openProjectionPersistence(spec: string, dataDir: string): ProjectionPersistence {
  const kind = storeKindOf(spec);
  if (kind === 'sqlite') return sqliteProjectionPersistence(projectionsFile(dataDir));
  return kind === 'postgres' ? postgresProjectionPersistence({ connectionString: spec }) : memoryProjectionPersistence();
}
