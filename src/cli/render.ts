import { createRequire } from 'node:module';
import type { Output } from './output.ts';

// Loaded on first boxed table only (a terminal): piped output and `--version` never pay for it.
const require = createRequire(import.meta.url);

const cell = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * A human-readable table: boxes fitted to the terminal's width on a TTY; plain columns separated by two spaces
 * when piped (no box characters for `grep`/`awk`, nothing cut). `--json` callers print the raw document instead.
 */
export function renderTable(columns: string[], rows: unknown[][], out: Pick<Output, 'isTTY' | 'columns'>): string {
  const cells = rows.map((r) => r.map(cell));
  if (!out.isTTY) return plain(columns, cells);
  const width = out.columns ?? 80;
  const widths = fitted(columns.map((c, i) => Math.max(c.length, ...cells.map((r) => longestLine(r[i] ?? '')))), width);
  // Too many columns for this terminal even wrapped: one block per row, a field a line (as psql's \x).
  if (widths === undefined) return vertical(columns, cells);
  const Table = require('cli-table3') as typeof import('cli-table3');
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

const MIN_COLUMN = 12;

/**
 * Shrinks the widest columns first (never below MIN_COLUMN or a column's own width) until the table, with 3
 * characters of border and padding per column, fits; undefined when it cannot.
 */
function fitted(natural: number[], width: number): number[] | undefined {
  const widths = [...natural];
  const total = () => widths.reduce((a, w) => a + w + 3, 1);
  while (total() > width) {
    const widest = widths.indexOf(Math.max(...widths));
    if ((widths[widest] ?? 0) <= MIN_COLUMN) return undefined;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  return widths;
}

function vertical(columns: string[], cells: string[][]): string {
  const pad = Math.max(...columns.map((c) => c.length));
  return cells.map((row, n) => [`-[ ${n + 1} ]-`, ...columns.map((c, i) => `${c.padEnd(pad)} | ${(row[i] ?? '').replaceAll('\n', ' ')}`)].join('\n')).join('\n');
}
