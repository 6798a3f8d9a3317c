import Table from 'cli-table3';
import type { Output } from './output.ts';

const cell = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * A human-readable table: boxes fitted to the terminal's width on a TTY; plain columns separated by two spaces
 * when piped (no box characters for `grep`/`awk`, nothing cut). `--json` callers print the raw document instead.
 */
export function renderTable(columns: string[], rows: unknown[][], out: Pick<Output, 'isTTY' | 'columns'>): string {
  const cells = rows.map((r) => r.map(cell));
  if (!out.isTTY) return plain(columns, cells);
  const widths = fitted(columns.map((c, i) => Math.max(c.length, ...cells.map((r) => longestLine(r[i] ?? '')))), out.columns ?? 80);
  const table = new Table({ head: columns, colWidths: widths.map((w) => w + 2), wordWrap: true, wrapOnWordBoundary: false, style: { head: [], border: [] } });
  for (const row of cells) table.push(row);
  return table.toString();
}

export function renderRecords<T extends object>(records: T[], fields: (keyof T & string)[], out: Pick<Output, 'isTTY' | 'columns'>, heads?: Partial<Record<keyof T & string, string>>): string {
  if (records.length === 0) return '(none)';
  return renderTable(fields.map((f) => heads?.[f] ?? f), records.map((r) => fields.map((f) => r[f])), out);
}

function plain(columns: string[], cells: string[][]): string {
  const one = (s: string) => s.replaceAll('\n', ' ');
  const rows = [columns, ...cells.map((r) => r.map(one))];
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

const longestLine = (s: string): number => Math.max(0, ...s.split('\n').map((l) => l.length));

/** Shrinks the widest columns first until the table (3 characters of border and padding per column) fits. */
function fitted(natural: number[], width: number): number[] {
  const widths = [...natural];
  const total = () => widths.reduce((a, w) => a + w + 3, 1);
  while (total() > width) {
    const widest = widths.indexOf(Math.max(...widths));
    if ((widths[widest] ?? 0) <= 6) break; // narrower than this helps no one: let the terminal wrap
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  return widths;
}
