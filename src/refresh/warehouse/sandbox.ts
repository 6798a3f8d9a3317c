import { resolve, sep } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { WarehouseError } from './errors.ts';
import { quoteLiteral } from './identifiers.ts';

/**
 * Closes the warehouse off from the host once the warehouse file is attached: statements then reach no
 * file (but those under the operator's allowed directories), install or load no extension, and change no
 * global setting. Order matters: `enable_external_access` can only be turned off, and `lock_configuration`
 * comes last because after it not even freshet can SET anything.
 */
export async function seal(connection: DuckDBConnection, options: { allowReadDirs: readonly string[]; threads?: number }): Promise<void> {
  const dirs = options.allowReadDirs.map(asDirectoryPrefix);
  if (dirs.length > 0) await connection.run(`SET allowed_directories = [${dirs.map(quoteLiteral).join(', ')}]`);
  if (options.threads !== undefined) await connection.run(`SET threads = ${positiveInteger(options.threads, 'threads')}`);
  await connection.run('SET autoinstall_known_extensions = false');
  await connection.run('SET autoload_known_extensions = false');
  await connection.run('SET allow_community_extensions = false');
  await connection.run('SET allow_persistent_secrets = false');
  await connection.run('SET enable_external_access = false');
  await connection.run('SET lock_configuration = true');
}

/**
 * DuckDB matches allowed directories as path prefixes: `/data/in` would also allow `/data/inbox`, so each
 * one ends with a separator.
 */
function asDirectoryPrefix(dir: string): string {
  if (dir.trim() === '') throw new WarehouseError('An allowed read directory must not be empty.');
  const absolute = resolve(dir);
  return absolute.endsWith(sep) ? absolute : absolute + sep;
}

function positiveInteger(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new WarehouseError(`${what} must be a positive integer, got ${n}.`);
  return n;
}

/**
 * A directory that holds the data directory would let statements read the event log itself (`read_blob`);
 * the operator is told instead of silently given that.
 */
export function checkAllowedDirs(allowReadDirs: readonly string[], dataDir: string): void {
  const data = asDirectoryPrefix(dataDir);
  for (const dir of allowReadDirs) {
    const prefix = asDirectoryPrefix(dir);
    if (data.startsWith(prefix) || prefix.startsWith(data)) {
      throw new WarehouseError(
        `The allowed read directory ${dir} overlaps freshet's data directory ${dataDir}: statements could read the event log. Allow a directory outside it.`,
      );
    }
  }
}
