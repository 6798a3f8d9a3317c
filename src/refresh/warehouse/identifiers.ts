import { InvalidIdentifierError, UnknownCatalogError } from './errors.ts';
import type { TableId } from './types.ts';

/** The Flink catalog that is this warehouse's DuckDB file, ATTACHed under the same name. */
export const FRESHET_CATALOG = 'freshet';
/** Flink's default database; it is the DuckDB schema of the same name (not `main`). */
export const DEFAULT_DATABASE = 'default';

/** Double-quotes an identifier, doubling embedded quotes, so no name can end the identifier early. */
export function quoteIdent(name: string, what = 'identifier'): string {
  if (name.length === 0) throw new InvalidIdentifierError(`The ${what} is empty; give it a name.`);
  if (name.includes('\0')) throw new InvalidIdentifierError(`The ${what} '${name.replaceAll('\0', '\\0')}' contains a NUL character; remove it.`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal (for ATTACH's path, which cannot be a bound parameter). */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new InvalidIdentifierError('The path contains a NUL character; remove it.');
  return `'${value.replaceAll("'", "''")}'`;
}

export interface DuckDbTableName {
  schema: string;
  table: string;
  /** `"freshet"."<database>"."<table>"`, every part quoted. */
  qualified: string;
  /** DuckDB resolves names case-insensitively, so two ids with this key are the same table. */
  lockKey: string;
}

/** Maps Flink `catalog.database.table` onto DuckDB `freshet.<schema = database>.<table>`. */
export function toDuckDbName(id: TableId): DuckDbTableName {
  if (id.catalog.toLowerCase() !== FRESHET_CATALOG) throw new UnknownCatalogError(id.catalog, FRESHET_CATALOG);
  const schema = quoteIdent(id.database, 'database name');
  const table = quoteIdent(id.table, 'table name');
  return {
    schema: id.database,
    table: id.table,
    qualified: `${quoteIdent(FRESHET_CATALOG)}.${schema}.${table}`,
    lockKey: `${id.database.toLowerCase()}\u0001${id.table.toLowerCase()}`,
  };
}
