/** Defect 10 of issue 11: box drawing even when piped, ~170 columns that wrap at 80. */
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/cli/render.ts';

const columns = ['workflowId', 'table', 'status', 'cron', 'next', 'reason'];
const rows = [['2bde92e2-ead1-52bd-b296-2fc1c176c4c9', '`freshet`.`default`.`daily_revenue`', 'SUSPENDED', '0/5 * * * * ? *', '2026-12-02 13:38:25', 'source backfill (by alice)']];

describe('CLI tables', () => {
  it('piped (not a TTY): plain columns two spaces apart, no box characters, nothing cut', () => {
    const text = renderTable(columns, rows, { isTTY: false, columns: undefined });
    expect(text).not.toMatch(/[│┌─┐└┘]/);
    const [head, line] = text.split('\n');
    expect(head).toMatch(/^workflowId {2,}table {2,}status/);
    expect(line).toContain('`freshet`.`default`.`daily_revenue`  SUSPENDED  0/5 * * * * ? *');
    expect(line).toContain('source backfill (by alice)');
  });

  it('on a terminal: boxes fitted to its width (long values wrapped, never cut); too narrow for boxes, one field a line', () => {
    const wide = renderTable(columns, rows, { isTTY: true, columns: 120 });
    expect(wide).toContain('│');
    for (const l of wide.split('\n')) expect(l.length, l).toBeLessThanOrEqual(120);
    expect(wide.replace(/[│\s]/g, '')).toContain('2bde92e2-ead1-52bd-b296-2fc1c176c4c9'.replace(/\s/g, '').slice(0, 14));
    const narrow = renderTable(columns, rows, { isTTY: true, columns: 80 });
    for (const l of narrow.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(narrow).toContain('workflowId | 2bde92e2-ead1-52bd-b296-2fc1c176c4c9');
    expect(narrow).toContain('reason     | source backfill (by alice)');
  });
});
