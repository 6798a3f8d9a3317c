import { InvalidIdentifierError, WarehouseError } from './errors.ts';
import { quoteIdent } from './identifiers.ts';
import type { ColumnSpec } from './types.ts';

/** DuckDB matches column names case-insensitively, so duplicates are checked the same way. */
export function checkColumns(columns: ColumnSpec[], partitionKeys: string[]): void {
  if (columns.length === 0) throw new WarehouseError('A table needs at least one column.');
  const seen = new Set<string>();
  for (const column of columns) {
    quoteIdent(column.name, 'column name');
    const key = column.name.toLowerCase();
    if (seen.has(key)) throw new InvalidIdentifierError(`Column '${column.name}' appears twice (names are case-insensitive); rename one.`);
    seen.add(key);
  }
  const unknown = partitionKeys.filter((k) => !seen.has(k.toLowerCase()));
  if (unknown.length > 0) {
    throw new WarehouseError(
      `Partition keys ${unknown.map((k) => `'${k}'`).join(', ')} are not columns of the table. Known columns: ${columns.map((c) => `'${c.name}'`).join(', ')}.`,
    );
  }
}
