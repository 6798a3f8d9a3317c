import { DuckDBTypeId } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InvalidColumnTypeError } from './errors.ts';

// Type names, sizes, arrays and STRUCT fields (a quoted field name may hold anything but a lone quote).
const TYPE_SHAPE = /^(?:[A-Za-z0-9_ ,()[\]]|"(?:[^"\0]|"")*")+$/;

/**
 * Column types reach CREATE TABLE as text, so a type is accepted only when it has the shape of a
 * type name and DuckDB itself can cast NULL to it; the DDL then uses DuckDB's own rendering of the
 * type, never the caller's text. Preparing the cast parses and binds without running anything.
 */
export async function canonicalColumnType(connection: DuckDBConnection, column: string, type: string): Promise<string> {
  const invalid = (why: string) =>
    new InvalidColumnTypeError(`Column '${column}' has type '${type}', which ${why}. Use a DuckDB type such as VARCHAR, BIGINT or DECIMAL(18,3).`);
  if (!TYPE_SHAPE.test(type.trim())) throw invalid('is not a DuckDB type name');
  let prepared;
  try {
    prepared = await connection.prepare(`SELECT CAST(NULL AS ${type.trim()})`);
  } catch (error) {
    throw invalid(`DuckDB rejects (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  try {
    if (prepared.columnCount !== 1 || prepared.columnTypeId(0) === DuckDBTypeId.SQLNULL) throw invalid('is not a single column type');
    return prepared.columnType(0).toString();
  } finally {
    prepared.destroySync();
  }
}
