import { existsSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli } from '../cli/support/run.ts';
import { replay } from '../projections/replay-support.ts';
import { type History, writeHistory } from './archive-support.ts';

let h: History;
let headBefore: number;

beforeAll(async () => {
  h = await writeHistory();
  headBefore = await h.store.headPosition();
  await h.store.close();
}, 120_000);
afterAll(() => {
  if (h) rmSync(h.dir, { recursive: true, force: true });
});

/** The CLI in this process with stdout captured too (archive and replay print their outcome there). */
async function run(...args: string[]) {
  let printed = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((printed += String(chunk)), true));
  try {
    const r = await cli(...args);
    return { ...r, out: r.out + printed };
  } finally {
    write.mockRestore();
  }
}

describe('freshet archive', () => {
  it('refuses bad input with a message that says what to write, and touches nothing', async () => {
    const cases: [string[], string][] = [
      [['archive', '--data-dir', h.dir], 'Nothing to archive: give --retention <duration> (e.g. 7d)'],
      [['archive', '--retention', 'soon', '--data-dir', h.dir], '--retention must be a duration such as 7d, 36h or 90 min (or off), got "soon"'],
      [['archive', '--retention', '5 min', '--data-dir', h.dir], '--retention must be at least 1h'],
      [['archive', '--retention', '7d', '--retention-for', 'orders', '--data-dir', h.dir], '--retention-for must be <workflowId>=<duration|off>'],
      [['archive', '--retention', '7d', '--retention-for', 'a=30d', '--retention-for', 'a=off', '--data-dir', h.dir], '--retention-for names workflow a twice'],
      [['archive', '--retention', '7d', '--store', 'postgres://127.0.0.1:5432/test'], 'Retention is not yet available on the postgres store'],
      [['archive', '--retention', '7d', '--data-dir', join(h.dir, 'nowhere')], 'No event log at'],
      [['serve', '--archive-every', '1h', '--data-dir', h.dir], '--archive-every needs --retention'],
      [['serve', '--retention', '7d', '--archive-every', '5s', '--data-dir', h.dir], "--archive-every '5s': use a duration of at least 1 min"],
    ];
    for (const [args, message] of cases) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain(message);
    }
    expect(existsSync(join(h.dir, 'archive'))).toBe(false);
    expect(existsSync(join(h.dir, 'nowhere'))).toBe(false);
  });

  it('archives (the wall clock is past the virtual days), then replay --verify passes on log + archive and fails once the archive is edited', async () => {
    const r = await run('archive', '--retention', '7d', '--retention-for', 'nobody=off', '--reason', 'audit', '--data-dir', h.dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Archived \d+ event\(s\) \(3 workflow\(s\), \d+ finished refresh\(es\)\) to .*history-.*\.ndjson\.gz \(\d+ bytes\) and removed \d+ from the log; recorded as HistoryArchived\.\n$/);
    const ok = await replay('--verify', '--data-dir', h.dir);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/✓ archives: 1 archive\(s\) in .* hold the \d+ event\(s\)/);
    expect(ok.out).toMatch(new RegExp(`✓ positions: 1 to ${headBefore + 1} without a gap`));
    const [file] = readdirSync(join(h.dir, 'archive'));
    const path = join(h.dir, 'archive', file!);
    const bytes = readFileSync(path);
    bytes[bytes.length - 12] = bytes[bytes.length - 12]! ^ 0xff;
    writeFileSync(path, bytes);
    const bad = await replay('--verify', '--data-dir', h.dir);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/✗ archives: 1 of 1 archive\(s\) .* cannot be trusted/);
    expect(bad.out).toContain('does not match the SHA-256 the log recorded for it');
    // A rebuild refuses rather than fold a log with a hole in it.
    const rebuild = await replay('--rebuild', '--data-dir', h.dir);
    expect(rebuild.code).toBe(1);
    expect(rebuild.err).toContain('The archives cannot be read back');
  });
});
