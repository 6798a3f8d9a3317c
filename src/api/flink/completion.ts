// Keywords freshet's statements use: DuckDB's SQL and Flink's materialized-table DDL.
const KEYWORDS = [
  'ALTER', 'AND', 'AS', 'ASC', 'BY', 'CREATE', 'DATABASE', 'DELETE', 'DESC', 'DESCRIBE', 'DISTINCT', 'DROP', 'EXISTS', 'FRESHNESS', 'FROM', 'FULL',
  'GROUP', 'HAVING', 'IF', 'INSERT', 'INTERVAL', 'INTO', 'JOIN', 'LIMIT', 'MATERIALIZED', 'NOT', 'NULL', 'ON', 'OR', 'ORDER', 'PARTITION', 'PARTITIONED',
  'REFRESH', 'REFRESH_MODE', 'RESET', 'RESUME', 'SELECT', 'SET', 'SHOW', 'SUSPEND', 'TABLE', 'TABLES', 'UPDATE', 'VALUES', 'VIEW', 'WHERE', 'WITH',
];

/**
 * Completion hints for the word that ends at `position`: keywords (upper case) and table names starting with
 * it, case-insensitively. Flink's planner completes from its grammar; this is a smaller, honest subset.
 */
export function completionHints(statement: string, position: number, tableNames: readonly string[]): string[] {
  const before = statement.slice(0, Math.min(position, statement.length));
  const prefix = /[\p{L}\p{N}_]*$/u.exec(before)?.[0] ?? '';
  if (prefix === '') return [];
  const lower = prefix.toLowerCase();
  const hits = [...KEYWORDS, ...tableNames].filter((word) => word.toLowerCase().startsWith(lower) && word.toLowerCase() !== lower);
  return [...new Set(hits)];
}
