import Table from 'cli-table3';

const cell = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A human-readable table; `--json` callers print the raw document instead. */
export function renderTable(columns: string[], rows: unknown[][]): string {
  const table = new Table({ head: columns, style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map(cell));
  return table.toString();
}

export function renderRecords<T extends object>(records: T[], fields: (keyof T & string)[]): string {
  if (records.length === 0) return '(none)';
  return renderTable(fields, records.map((r) => fields.map((f) => r[f])));
}
