import { quoteIdent } from '../identifiers.ts';
import type { DuckDbTableName } from '../identifiers.ts';
import type { ColumnSpec } from '../types.ts';

export function createSchemaSql(catalog: string, schema: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(catalog)}.${quoteIdent(schema, 'database name')}`;
}

/** `columns[].type` must already be DuckDB's own rendering of a validated type (see columnTypes.ts). */
export function createTableSql(name: DuckDbTableName, columns: ColumnSpec[], ifNotExists: boolean): string {
  const body = columns.map((c) => `  ${quoteIdent(c.name, 'column name')} ${c.type}`).join(',\n');
  return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${name.qualified} (\n${body}\n)`;
}

/** One `ALTER TABLE … ADD COLUMN` per column (DuckDB adds one at a time); types as in createTableSql. */
export function addColumnSql(name: DuckDbTableName, column: ColumnSpec): string {
  return `ALTER TABLE ${name.qualified} ADD COLUMN ${quoteIdent(column.name, 'column name')} ${column.type}`;
}

export function dropTableSql(name: DuckDbTableName, ifExists: boolean): string {
  return `DROP TABLE ${ifExists ? 'IF EXISTS ' : ''}${name.qualified}`;
}

/** Names are compared case-insensitively because that is how DuckDB resolves them. */
export const TABLE_EXISTS_SQL =
  'SELECT count(*) FROM duckdb_tables() WHERE lower(database_name) = lower($1) AND lower(schema_name) = lower($2) AND lower(table_name) = lower($3)';
