import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReadModelMismatchError } from '../../src/projections/index.ts';
import { openError, runWithWorkflows, tempDir } from './read-model-support.ts';

const dirs: string[] = [];
const dir = (): string => {
  const d = tempDir('read-model-guard');
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const removeLog = (d: string): void => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(d, `events.sqlite${suffix}`), { force: true });
};

describe('a SQLite read model that does not belong to its log is refused at open', () => {
  it('the log is missing beside a read model with workflows: refused, saying what to do, and nothing is listed', async () => {
    const d = dir();
    await runWithWorkflows(d, 'sqlite', ['a', 'b', 'c']);
    removeLog(d);
    const error = await openError(d, 'sqlite');
    expect(error).toBeInstanceOf(ReadModelMismatchError);
    expect(error.message).toMatch(new RegExp(`^The read model ${join(d, 'projections.sqlite')} is ahead of its event log ${join(d, 'events.sqlite')}: it reflects the log up to position \\d+, the log ends at position 0\\.`));
    expect(error.message).toContain('restore the event log from a backup');
    expect(error.message).toContain('freshet replay --rebuild');
  });

  it('the log was emptied (a fresh empty file): refused the same way', async () => {
    const d = dir();
    await runWithWorkflows(d, 'sqlite', ['a']);
    removeLog(d);
    writeFileSync(join(d, 'events.sqlite'), '');
    expect((await openError(d, 'sqlite')).message).toMatch(/is ahead of its event log .*the log ends at position 0/);
  });

  it('a read model built from another log (same length or longer): refused, naming the position and both events', async () => {
    const mine = dir();
    const other = dir();
    await runWithWorkflows(other, 'sqlite', ['a']);
    await runWithWorkflows(mine, 'sqlite', ['x', 'y', 'z']);
    copyFileSync(join(other, 'projections.sqlite'), join(mine, 'projections.sqlite'));
    const error = await openError(mine, 'sqlite');
    expect(error).toBeInstanceOf(ReadModelMismatchError);
    expect(error.message).toMatch(
      new RegExp(`^The read model ${join(mine, 'projections.sqlite')} was built from another event log than ${join(mine, 'events.sqlite')}: the event it last applied, at position \\d+, is [0-9a-f-]+ recorded at \\S+, but the log has [0-9a-f-]+ recorded at \\S+ there\\.`),
    );
  });

  it('a read model of this log opens as before', async () => {
    const d = dir();
    await runWithWorkflows(d, 'sqlite', ['a', 'b']);
    expect((await openError(d, 'sqlite')).message).toBe('freshet opened (2 workflow(s) listed)');
  });
});
