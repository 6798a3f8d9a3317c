// DuckDB's type names as Flink SQL writes them (SHOW CREATE, DESCRIBE). Unsigned and 128-bit integers widen.
const NAMES: Record<string, string> = {
  VARCHAR: 'STRING',
  INTEGER: 'INT',
  BIGINT: 'BIGINT',
  SMALLINT: 'SMALLINT',
  TINYINT: 'TINYINT',
  BOOLEAN: 'BOOLEAN',
  DOUBLE: 'DOUBLE',
  FLOAT: 'FLOAT',
  DATE: 'DATE',
  TIME: 'TIME(6)',
  TIMESTAMP: 'TIMESTAMP(6)',
  TIMESTAMP_S: 'TIMESTAMP(0)',
  TIMESTAMP_MS: 'TIMESTAMP(3)',
  TIMESTAMP_NS: 'TIMESTAMP(9)',
  'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP_LTZ(6)',
  BLOB: 'BYTES',
  HUGEINT: 'DECIMAL(38, 0)',
  UHUGEINT: 'DECIMAL(38, 0)',
  UBIGINT: 'DECIMAL(20, 0)',
  UINTEGER: 'BIGINT',
  USMALLINT: 'INT',
  UTINYINT: 'SMALLINT',
};

/** One DuckDB type as `describeQuery` renders it (`DECIMAL(18,3)`, `INTEGER[]`, `MAP(VARCHAR, BIGINT)`) → Flink's. */
export function flinkTypeName(duckdb: string): string {
  const t = duckdb.trim();
  const list = /^(.*)\[\d*\]$/s.exec(t);
  if (list) return `ARRAY<${flinkTypeName(list[1] ?? '')}>`;
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/i.exec(t);
  if (decimal) return `DECIMAL(${decimal[1]}, ${decimal[2]})`;
  const map = /^MAP\((.*)\)$/is.exec(t);
  if (map) {
    const [key, value] = splitTop(map[1] ?? '');
    if (key !== undefined && value !== undefined) return `MAP<${flinkTypeName(key)}, ${flinkTypeName(value)}>`;
  }
  const struct = /^STRUCT\((.*)\)$/is.exec(t);
  if (struct) {
    const fields = splitTop(struct[1] ?? '').map((f) => {
      const m = /^("(?:[^"]|"")*"|\S+)\s+(.*)$/s.exec(f.trim());
      const name = (m?.[1] ?? f).replace(/^"|"$/g, '').replaceAll('""', '"');
      return `\`${name.replaceAll('`', '``')}\` ${flinkTypeName(m?.[2] ?? 'VARCHAR')}`;
    });
    return `ROW<${fields.join(', ')}>`;
  }
  return NAMES[t.toUpperCase()] ?? t;
}

/** Splits at the commas outside parentheses and double quotes. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}
