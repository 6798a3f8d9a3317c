import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, openSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore, StoreCorruptedError } from '../../src/events/index.ts';
import { ev } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'freshet-sqlite-integrity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newPath = (): string => join(dir, `store-${(files += 1)}.db`);
const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A closed store with a few hundred events, so the file spans many pages. */
async function writtenStore(): Promise<string> {
  const path = newPath();
  const store = createSqliteEventStore({ path });
  for (let batch = 0; batch < 10; batch += 1) {
    await store.appendToStream(`stream-${batch}`, Array.from({ length: 30 }, (_, index) => ev('Filled', { batch, index, text: 'y'.repeat(200) })));
  }
  await store.close();
  expect(existsSync(`${path}-wal`)).toBe(false);
  return path;
}

function overwrite(path: string, offset: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

function expectRefused(path: string, message: RegExp): void {
  const before = digest(path);
  let error: unknown;
  try {
    createSqliteEventStore({ path });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(StoreCorruptedError);
  expect((error as Error).message).toContain(path);
  expect((error as Error).message).toMatch(message);
  expect(digest(path)).toBe(before);
}

describe('sqlite event store: integrity at open', () => {
  it('reopens an intact file with all its events', async () => {
    const path = await writtenStore();
    const store = createSqliteEventStore({ path });
    expect(await store.headPosition()).toBe(300);
    expect((await store.readStream('stream-9', { direction: 'backwards', maxCount: 1 }))[0]).toMatchObject({ version: 30, data: { batch: 9, index: 29 } });
    await store.close();
  });

  it('refuses a file whose header was overwritten', async () => {
    const path = await writtenStore();
    overwrite(path, 0, Buffer.from('this is not sqlite!!'));
    expectRefused(path, /does not start with the SQLite header/);
  });

  it('refuses a truncated file (torn write or partial copy)', async () => {
    const path = await writtenStore();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    expectRefused(path, /truncated/);
  });

  it('refuses a file shorter than a SQLite header', () => {
    const path = newPath();
    writeFileSync(path, 'SQLite format 3\0 torn');
    expectRefused(path, /shorter than a SQLite header/);
  });

  it('refuses a file with a damaged page inside', async () => {
    const path = await writtenStore();
    const reader = new Sqlite(path, { readonly: true });
    const pageSize = reader.pragma('page_size', { simple: true }) as number;
    reader.close();
    overwrite(path, pageSize * 3, Buffer.alloc(pageSize, 0xa7));
    expectRefused(path, /integrity check|corrupted|malformed/);
  });

  it('refuses a SQLite database that is not a freshet event store', () => {
    const path = newPath();
    const db = new Sqlite(path);
    db.exec('CREATE TABLE users (name TEXT)');
    db.close();
    expectRefused(path, /not a freshet event store.*users/);
  });

  it('refuses a store written in a newer format, saying to upgrade', async () => {
    const path = await writtenStore();
    const db = new Sqlite(path);
    db.pragma('user_version = 4');
    db.close();
    expectRefused(path, /format version 4, newer than this freshet understands \(3\); upgrade/);
  });

  it('refuses a store whose log table lost columns', async () => {
    const path = await writtenStore();
    const db = new Sqlite(path);
    db.exec('ALTER TABLE log DROP COLUMN recorded_at');
    db.close();
    expectRefused(path, /recorded_at/);
  });

  it('turns an empty file (e.g. from touch) into a new store', async () => {
    const path = newPath();
    writeFileSync(path, '');
    const store = createSqliteEventStore({ path });
    expect(await store.headPosition()).toBe(0);
    await store.close();
  });

  it('keeps the file in WAL mode', async () => {
    const path = await writtenStore();
    const db = new Sqlite(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
