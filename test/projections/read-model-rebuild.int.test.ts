import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openFreshet } from '../../src/runtime/index.ts';
import { ManualClock } from '../api/support/api-harness.ts';
import { runWithWorkflows, tempDir } from './read-model-support.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A data directory with three workflows, whose read model file is then replaced by what `spoil` writes. */
async function spoiled(spoil: (path: string) => void): Promise<{ dir: string; path: string }> {
  const dir = tempDir('read-model-rebuild');
  dirs.push(dir);
  await runWithWorkflows(dir, 'sqlite', ['a', 'b', 'c']);
  const path = join(dir, 'projections.sqlite');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  spoil(path);
  return { dir, path };
}

/** Opens freshet on the directory: it must rebuild the read model, keep the bad file aside and say so. */
async function expectRebuilt(dir: string, path: string, because: RegExp, bad?: Buffer): Promise<void> {
  const runtime = await openFreshet({ dataDir: dir, store: 'sqlite', timeZone: 'UTC', clock: new ManualClock() });
  try {
    const aside = readdirSync(dir).filter((f) => f.startsWith('projections.sqlite.corrupt-') && !/-(wal|shm)$/.test(f));
    expect(aside).toHaveLength(1);
    if (bad) expect(readFileSync(join(dir, aside[0]!))).toEqual(bad);
    expect(runtime.notices).toHaveLength(1);
    expect(runtime.notices[0]).toMatch(new RegExp(`^The read model ${path} could not be read \\(${because.source}.*\\); it was moved aside to ${join(dir, aside[0]!)} and is rebuilt from the event log\\.$`));
    await runtime.scheduler.projection.waitFor(await runtime.store.headPosition());
    expect(runtime.scheduler.queries.list().total).toBe(3);
  } finally {
    await runtime.close();
  }
  // The rebuilt file is a sound read model: the next start reads it and has nothing to say.
  const again = await openFreshet({ dataDir: dir, store: 'sqlite', timeZone: 'UTC', clock: new ManualClock() });
  expect(again.notices).toEqual([]);
  expect(again.scheduler.queries.list().total).toBe(3);
  await again.close();
}

describe('a read model file that cannot be read is a cache: moved aside and rebuilt from the log, saying so', () => {
  it('random bytes (today: "file is not a database", then a hang)', async () => {
    const bad = randomBytes(8192);
    const { dir, path } = await spoiled((p) => writeFileSync(p, bad));
    await expectRebuilt(dir, path, /SQLITE_NOTADB: file is not a database/, bad);
  });

  it('a database whose tables are not the read model', async () => {
    const { dir, path } = await spoiled((p) => {
      const db = new Sqlite(p);
      db.exec('CREATE TABLE workflow_rows (x TEXT); CREATE TABLE projection_checkpoint (name TEXT, position INTEGER)');
      db.close();
    });
    await expectRebuilt(dir, path, /its workflow_rows table lacks the columns workflow_id, version, state/);
  });

  it('a row whose state is not JSON', async () => {
    const { dir, path } = await spoiled((p) => {
      const db = new Sqlite(p);
      db.exec("CREATE TABLE projection_checkpoint (name TEXT PRIMARY KEY, position INTEGER NOT NULL, event TEXT); CREATE TABLE workflow_rows (workflow_id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL); INSERT INTO workflow_rows VALUES ('w', 1, '{oops')");
      db.close();
    });
    await expectRebuilt(dir, path, /the row of workflow w is not JSON/);
  });
});
