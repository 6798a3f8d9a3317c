import type { Cursor } from './cursor.ts';
import { qualify, readIdentifier, readPart, type IdentifierDefaults } from './identifier.ts';
import type { DescribeMaterializedTable, ShowCreateMaterializedTable, ShowMaterializedTables, Statement } from './statement.ts';

/** `SHOW MATERIALIZED TABLES [(FROM | IN) [catalog.]database] [[NOT] LIKE 'pattern']` (Flink 2.x). */
export function parseShowTables(cursor: Cursor, defaults: IdentifierDefaults): ShowMaterializedTables {
  cursor.expectWords('SHOW MATERIALIZED TABLES', 'SHOW', 'MATERIALIZED', 'TABLES');
  let database = { catalog: defaults.catalog, database: defaults.database };
  if (cursor.acceptWord('FROM') || cursor.acceptWord('IN')) {
    const parts = [readPart(cursor.lexer)];
    while (cursor.acceptSymbol('.')) parts.push(readPart(cursor.lexer));
    if (parts.length > 2) throw cursor.error(cursor.peek(), 'a database name ([catalog.]database)');
    // qualify() completes a table name; a database name is the same with a placeholder table.
    const q = qualify([...parts, '_'], defaults);
    database = { catalog: q.catalog, database: q.database };
  }
  const not = cursor.acceptWord('NOT');
  let like: ShowMaterializedTables['like'];
  if (not || cursor.isWord('LIKE')) {
    cursor.expectWords('LIKE', 'LIKE');
    like = { not, pattern: cursor.expectString("a LIKE pattern as a string literal, e.g. 'orders%'").value };
  }
  cursor.expectEnd();
  return { kind: 'show-tables', ...database, ...(like ? { like } : {}) };
}

/** `SHOW CREATE MATERIALIZED TABLE t`. */
export function parseShowCreate(cursor: Cursor, defaults: IdentifierDefaults): ShowCreateMaterializedTable {
  cursor.expectWords('SHOW CREATE MATERIALIZED TABLE', 'SHOW', 'CREATE', 'MATERIALIZED', 'TABLE');
  const identifier = readIdentifier(cursor.lexer, defaults);
  cursor.expectEnd();
  return { kind: 'show-create', identifier };
}

/**
 * `DESCRIBE t` / `DESC t` in Flink's identifier syntax: Flink's description when `t` is a materialized table,
 * DuckDB's statement otherwise (and for any form past Flink's, such as DuckDB's `DESCRIBE SELECT …`).
 */
export function parseDescribe(cursor: Cursor, sql: string, defaults: IdentifierDefaults): DescribeMaterializedTable | Statement {
  try {
    if (!cursor.acceptWord('DESCRIBE')) cursor.expectWords('DESC', 'DESC');
    cursor.acceptWord('EXTENDED');
    const identifier = readIdentifier(cursor.lexer, defaults);
    cursor.expectEnd();
    return { kind: 'describe', identifier, sql };
  } catch {
    return { kind: 'sql', sql };
  }
}

/** SQL's LIKE: `%` any run, `_` one character, everything else literal (case-sensitive, as Flink's). */
export function likeMatcher(pattern: string): (name: string) => boolean {
  const source = [...pattern].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  const regex = new RegExp(`^${source}$`, 's');
  return (name) => regex.test(name);
}
