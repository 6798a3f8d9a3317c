import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreCorruptedError } from '../../src/events/index.ts';
import { openError, runWithWorkflows, tempDir } from './read-model-support.ts';
import { rewriteEvent, sql } from './replay-support.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
async function dataDir(): Promise<{ dir: string; log: string; position: number; stream: string }> {
  const dir = tempDir('log-refused');
  dirs.push(dir);
  await runWithWorkflows(dir, 'sqlite', ['a', 'b']);
  const log = join(dir, 'events.sqlite');
  const db = new Sqlite(log, { readonly: true });
  const row = db.prepare("SELECT position, stream FROM log WHERE stream LIKE 'workflow-%' ORDER BY position DESC LIMIT 1").get() as { position: number; stream: string };
  db.close();
  return { dir, log, ...row };
}

describe('a damaged log is never moved aside or repaired: freshet refuses to start, naming the file and position', () => {
  it('random bytes for events.sqlite: refused, the file left as it was, nothing moved aside', async () => {
    const { dir, log } = await dataDir();
    for (const suffix of ['-wal', '-shm']) rmSync(`${log}${suffix}`, { force: true });
    const bad = randomBytes(8192);
    writeFileSync(log, bad);
    const error = await openError(dir, 'sqlite');
    expect(error).toBeInstanceOf(StoreCorruptedError);
    expect(error.message).toMatch(new RegExp(`^Event store file ${log} does not start with the SQLite header`));
    expect(readFileSync(log)).toEqual(bad);
    expect(readdirSync(dir).filter((f) => f.includes('corrupt'))).toEqual([]);
  });

  it('an edited event: refused, naming the file, the position and the stream', async () => {
    const { dir, log, position, stream } = await dataDir();
    sql(log, `UPDATE log SET data = replace(data, '0/5', '0/6') WHERE position = ${position}`);
    const error = await openError(dir, 'sqlite');
    expect(error).toBeInstanceOf(StoreCorruptedError);
    expect(error.message).toContain(`Event store file ${log} is damaged at position ${position} (stream ${stream}, version 1): the event does not match its checksum.`);
  });

  it('JSON that does not parse (checksum intact): refused, naming the file, the position and the stream', async () => {
    const { dir, log, position, stream } = await dataDir();
    rewriteEvent(log, position, { data: '{"cronExpression": "0 0/5 * * * ? *" "x"}' });
    const error = await openError(dir, 'sqlite');
    expect(error.message).toMatch(new RegExp(`^Event store file ${log} is damaged at position ${position} \\(stream ${stream}, version 1\\): its JSON cannot be read \\(`));
  });
});
