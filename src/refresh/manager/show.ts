import { escapeIdentifier, flinkTypeName, likeMatcher, type ShowMaterializedTables } from '../flink/index.ts';
import type { WarehouseType } from '../warehouse/index.ts';
import type { TableState } from './table-events.ts';
import type { MaterializedTableDefinition, StatementResult } from './types.ts';

const VARCHAR: WarehouseType = { id: 'VARCHAR' };
const content = (columns: string[], columnTypes: WarehouseType[], rows: (string | boolean | null)[][]): StatementResult => ({ kind: 'query', columns, columnTypes, resultKind: 'content', rows });

/** SHOW MATERIALIZED TABLES: the names in one database, sorted, filtered by [NOT] LIKE. */
export function showTables(stmt: ShowMaterializedTables, tables: readonly TableState[]): StatementResult {
  const like = stmt.like ? likeMatcher(stmt.like.pattern) : undefined;
  const names = tables
    .map((t) => t.definition)
    .filter((d) => d.catalog === stmt.catalog && d.database === stmt.database)
    .map((d) => d.table)
    .filter((name) => like === undefined || like(name) !== stmt.like?.not)
    .sort();
  return content(['materialized table name'], [VARCHAR], names.map((n) => [n]));
}

const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** SHOW CREATE MATERIALIZED TABLE: the definition as Flink's DDL, clauses in Flink's order, one per line. */
export function showCreate(d: MaterializedTableDefinition): StatementResult {
  const lines = [`CREATE MATERIALIZED TABLE ${d.identifier} (`, d.columns.map((c) => `  ${escapeIdentifier(c.name)} ${flinkTypeName(c.type)}`).join(',\n'), ')'];
  if (d.comment !== null) lines.push(`COMMENT ${quoted(d.comment)}`);
  if (d.partitionKeys.length > 0) lines.push(`PARTITIONED BY (${d.partitionKeys.map(escapeIdentifier).join(', ')})`);
  const options = Object.entries(d.options);
  if (options.length > 0) lines.push('WITH (', options.map(([k, v]) => `  ${quoted(k)} = ${quoted(v)}`).join(',\n'), ')');
  lines.push(`FRESHNESS = INTERVAL '${d.freshness.interval}' ${d.freshness.unit}`, `REFRESH_MODE = ${d.refreshMode}`, `AS ${d.query}`);
  return content(['result'], [VARCHAR], [[`${lines.join('\n')}\n`]]);
}

/** DESCRIBE of a materialized table, in Flink's columns (name, type, null, key, extras, watermark). */
export function describe(d: MaterializedTableDefinition): StatementResult {
  const types = [VARCHAR, VARCHAR, { id: 'BOOLEAN' }, VARCHAR, VARCHAR, VARCHAR];
  return content(['name', 'type', 'null', 'key', 'extras', 'watermark'], types, d.columns.map((c) => [c.name, flinkTypeName(c.type), true, null, null, null]));
}
