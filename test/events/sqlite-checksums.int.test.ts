import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore, StoreCorruptedError } from '../../src/events/index.ts';
import { eventChecksum } from '../../src/events/adapters/sqlite/checksum.js';
import { ev } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'freshet-sqlite-checksums-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** A store with a workflow whose cron is `0/2 * * * * ? *`, between two other streams' events. */
async function storeWithCron(): Promise<string> {
  const path = join(dir, `log-${files++}.sqlite`);
  const store = createSqliteEventStore({ path, writer: 'inline' });
  await store.appendToStream('other-1', [ev('Before', { n: 1 })]);
  await store.appendToStream('workflow-w1', [ev('WorkflowCreated', { cronExpression: '0/2 * * * * ? *' })]);
  await store.appendToStream('other-2', [ev('After', { n: 2 }), ev('After', { n: 3 })]);
  await store.close();
  return path;
}

/** Edits the file as a person (or a damaged page) would: behind freshet's back, with no checksum recomputed. */
function edit(path: string, sql: string, ...params: unknown[]): void {
  const db = new Sqlite(path);
  db.prepare(sql).run(...params);
  db.close();
}

async function readError(path: string, read: (s: ReturnType<typeof createSqliteEventStore>) => Promise<unknown>): Promise<Error> {
  const store = createSqliteEventStore({ path, writer: 'inline' });
  try {
    await read(store);
  } catch (error) {
    return error as Error;
  } finally {
    await store.close();
  }
  throw new Error('the read succeeded');
}

describe('sqlite event store: every event carries a checksum', () => {
  it('refuses an edited value, naming the file, the position and the stream, on every kind of read', async () => {
    const path = await storeWithCron();
    edit(path, "UPDATE log SET data = replace(data, '0/2', '0/3') WHERE stream = 'workflow-w1'");
    for (const read of [
      (s: ReturnType<typeof createSqliteEventStore>) => s.readAll(),
      (s: ReturnType<typeof createSqliteEventStore>) => s.readStream('workflow-w1'),
      (s: ReturnType<typeof createSqliteEventStore>) => s.readStream('workflow-w1', { direction: 'backwards' }),
    ]) {
      const error = await readError(path, read);
      expect(error).toBeInstanceOf(StoreCorruptedError);
      expect(error.message).toBe(
        `Event store file ${path} is damaged at position 2 (stream workflow-w1, version 1): the event does not match its checksum. ` +
          'It was left untouched; restore it from a backup (freshet replay --verify checks a whole file).',
      );
    }
    // Streams the damage does not touch still read.
    const store = createSqliteEventStore({ path, writer: 'inline' });
    expect((await store.readStream('other-2')).map((e) => e.data)).toEqual([{ n: 2 }, { n: 3 }]);
    await store.close();
  });

  it('catches a change to any column, and a row moved to another position', async () => {
    for (const change of ["type = 'Other'", "stream = 'workflow-w2'", 'version = 7', "id = 'x'", 'schema_version = 2', "metadata = '{}'", "recorded_at = '2020-01-01T00:00:00.000Z'", 'position = 10']) {
      const path = await storeWithCron();
      edit(path, `UPDATE log SET ${change} WHERE position = 2`);
      const error = await readError(path, (s) => s.readStream('other-1').then(() => s.readAll({ after: 1, maxCount: 1 })));
      expect(error, change).toBeInstanceOf(StoreCorruptedError);
      // A row moved away leaves a gap where it was, which is found first.
      expect(error.message, change).toMatch(/damaged at position (2|10) .*does not match its checksum|missing the event at position 2/);
    }
  });

  it('names a row whose JSON cannot be read even though its checksum matches', async () => {
    const path = await storeWithCron();
    const db = new Sqlite(path);
    const row = db.prepare('SELECT * FROM log WHERE position = 2').get() as { stream: string; version: number; id: string; type: string; schema_version: number; metadata: string; recorded_at: string };
    const data = '{"cronExpression": ';
    const checksum = eventChecksum(2, row.stream, row.version, row.id, row.type, row.schema_version, data, row.metadata, row.recorded_at);
    db.prepare('UPDATE log SET data = ?, checksum = ? WHERE position = 2').run(data, checksum);
    db.close();
    const error = await readError(path, (s) => s.readAll());
    expect(error.message).toMatch(new RegExp(`^Event store file ${path} is damaged at position 2 \\(stream workflow-w1, version 1\\): its JSON cannot be read \\(`));
  });

  it('notices a deleted event as a gap in the log', async () => {
    const path = await storeWithCron();
    edit(path, 'DELETE FROM log WHERE position = 2');
    const error = await readError(path, (s) => s.readAll());
    expect(error).toBeInstanceOf(StoreCorruptedError);
    expect(error.message).toBe(`Event store file ${path} is missing the event at position 2 (the next one is 3, stream other-2). It was left untouched; restore it from a backup.`);
  });

  it('keeps working after the checks: appends number on from the head', async () => {
    const path = await storeWithCron();
    const store = createSqliteEventStore({ path, writer: 'inline' });
    expect(await store.appendToStream('other-1', [ev('Next')], { expectedVersion: 1 })).toMatchObject({ position: 5 });
    expect((await store.readAll()).map((e) => e.position)).toEqual([1, 2, 3, 4, 5]);
    await store.close();
  });
});

/** Format 2's schema, as freshet wrote it (kept as history: the code only knows how to migrate from it). */
const FORMAT_2 = `
CREATE TABLE log (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1), id TEXT NOT NULL,
  type TEXT NOT NULL, schema_version INTEGER NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL);
CREATE TABLE streams (stream_id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, position INTEGER NOT NULL, bucket INTEGER NOT NULL);
CREATE TABLE stream_index (stream_id INTEGER NOT NULL, version INTEGER NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (stream_id, version)) WITHOUT ROWID;
CREATE TABLE recent_index (bucket INTEGER NOT NULL, stream_id INTEGER NOT NULL, version INTEGER NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (bucket, stream_id, version)) WITHOUT ROWID;
PRAGMA application_id = 1179800392;
PRAGMA user_version = 2;`;

describe('sqlite event store: gaps from before format 3', () => {
  it('reads past gaps a migrated file already had, and still finds a new one after them', async () => {
    const path = await storeWithCron();
    // As if positions up to 4 came from an older format with a hole at 2, and numbering was consecutive from 5 on.
    edit(path, 'DELETE FROM log WHERE position = 2');
    edit(path, "UPDATE meta SET value = 5 WHERE key = 'consecutive_from'");
    const store = createSqliteEventStore({ path, writer: 'inline' });
    for (const n of [5, 6, 7]) await store.appendToStream('other-1', [ev('Next', { n })]);
    await store.close();
    const all = await readError(path, (s) => s.readAll().then((events) => { throw new Error(events.map((e) => e.position).join(',')); }));
    expect(all.message).toBe('1,3,4,5,6,7');
    edit(path, 'DELETE FROM log WHERE position = 6');
    const error = await readError(path, (s) => s.readAll());
    expect(error.message).toMatch(/is missing the event at position 6 \(the next one is 7/);
  });
});

describe('sqlite event store: a format 2 file', () => {
  function format2Store(path: string): void {
    const db = new Sqlite(path);
    db.pragma('journal_mode = WAL');
    db.exec(FORMAT_2);
    for (let position = 1; position <= 30; position += 1) {
      const stream = `old-${position % 3}`;
      const version = Math.ceil(position / 3);
      db.prepare('INSERT INTO log VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)').run(position, stream, version, `id-${position}`, 'Old', JSON.stringify({ position }), '{}', '2026-01-01T00:00:00.000Z');
      if (version === 1) db.prepare('INSERT INTO streams (name, version, position, bucket) VALUES (?, 0, 0, 0)').run(stream);
      const id = db.prepare('SELECT stream_id FROM streams WHERE name = ?').pluck().get(stream) as number;
      db.prepare('UPDATE streams SET version = ?, position = ?, bucket = ? WHERE stream_id = ?').run(version, position, id % 16, id);
      db.prepare('INSERT INTO recent_index VALUES (?, ?, ?, ?)').run(id % 16, id, version, position);
    }
    db.close();
  }

  it('is upgraded at open: every event gains its checksum, and a format 2 writer still on the file fails', async () => {
    const path = join(dir, 'format-2.sqlite');
    format2Store(path);
    const old = new Sqlite(path);
    const oldInsert = old.prepare('INSERT INTO log (stream, version, id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)');
    const store = createSqliteEventStore({ path, writer: 'inline' });
    try {
      expect((await store.readAll()).map((e) => [e.position, e.streamName, e.version, e.data])).toEqual(
        Array.from({ length: 30 }, (_, i) => [i + 1, `old-${(i + 1) % 3}`, Math.ceil((i + 1) / 3), { position: i + 1 }]),
      );
      expect((await store.readStream('old-1', { direction: 'backwards', maxCount: 1 }))[0]).toMatchObject({ version: 10, position: 28 });
      expect(() => oldInsert.run('old-1', 11, 'stale', 'Old', '{}', '{}', '2026-01-01T00:00:00.000Z')).toThrow(/NOT NULL constraint failed: log.checksum/);
      expect(await store.appendToStream('old-1', [ev('New')], { expectedVersion: 10 })).toMatchObject({ position: 31 });
    } finally {
      old.close();
      await store.close();
    }
    const db = new Sqlite(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'log_format_2'").pluck().get()).toBe(0);
    db.close();
  });
});
