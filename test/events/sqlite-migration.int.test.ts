import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore, VersionConflictError } from '../../src/events/index.ts';
import { ev } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'freshet-sqlite-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The schema freshet wrote as format 1 (kept here as history: the code only knows how to migrate from it). */
const FORMAT_1 = `
CREATE TABLE events (
  position INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1), id TEXT NOT NULL,
  type TEXT NOT NULL, schema_version INTEGER NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL,
  UNIQUE (stream, version)
);
PRAGMA application_id = 1179800392;
PRAGMA user_version = 1;`;

/** A format 1 file with three interleaved streams; positions have a gap, as a format 1 file may not. */
function format1Store(path: string): void {
  const db = new Sqlite(path);
  db.pragma('journal_mode = WAL');
  db.exec(FORMAT_1);
  const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)');
  const versions = new Map<string, number>();
  for (let position = 1; position <= 40; position += 1) {
    const stream = `old-${position % 3}`;
    const version = (versions.get(stream) ?? 0) + 1;
    versions.set(stream, version);
    insert.run(position * 2, stream, version, `id-${position}`, 'Old', JSON.stringify({ position }), '{"actor":"old"}', '2026-01-01T00:00:00.000Z');
  }
  db.close();
}

describe('sqlite event store: a format 1 file', () => {
  it('is migrated at open: same events at the same positions, versions and conflicts carry on', async () => {
    const path = join(dir, 'format-1.db');
    format1Store(path);
    const store = createSqliteEventStore({ path });
    try {
      const all = await store.readAll();
      expect(all.map((e) => [e.position, e.streamName, e.version, e.id])).toEqual(
        Array.from({ length: 40 }, (_, i) => [(i + 1) * 2, `old-${(i + 1) % 3}`, Math.floor(i / 3) + 1, `id-${i + 1}`]),
      );
      expect(await store.streamVersion('old-1')).toBe(14);
      expect((await store.readStream('old-1', { direction: 'backwards', maxCount: 2 })).map((e) => e.version)).toEqual([14, 13]);
      await expect(store.appendToStream('old-1', [ev('New')], { expectedVersion: 13 })).rejects.toBeInstanceOf(VersionConflictError);
      const result = await store.appendToStream('old-1', [ev('New')], { expectedVersion: 14 });
      expect(result).toMatchObject({ nextExpectedVersion: 15, position: 81 });
      expect((await store.readStream('old-1', { fromVersion: 13 })).map((e) => e.type)).toEqual(['Old', 'Old', 'New']);
    } finally {
      await store.close();
    }
    const db = new Sqlite(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'events_format_1'").pluck().get()).toBe(0);
    db.close();
    const reopened = createSqliteEventStore({ path });
    expect(await reopened.streamVersion('old-1')).toBe(15);
    await reopened.close();
  });

  it('stops a format 1 freshet still running on the file from writing past the new index', async () => {
    const path = join(dir, 'format-1-shared.db');
    format1Store(path);
    // What a format 1 freshet had prepared before the file was migrated under it.
    const old = new Sqlite(path);
    const oldVersion = old.prepare('SELECT max(version) FROM events WHERE stream = ?').pluck();
    const oldInsert = old.prepare('INSERT INTO events (stream, version, id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)');
    expect(oldVersion.get('old-1')).toBe(14);
    const store = createSqliteEventStore({ path });
    try {
      expect(() => oldVersion.get('old-1')).toThrow(/no such table: events/);
      expect(() => oldInsert.run('old-1', 15, 'id-stale', 'Old', '{}', '{}', '2026-01-01T00:00:00.000Z')).toThrow(/no such table: events/);
      expect(await store.streamVersion('old-1')).toBe(14);
    } finally {
      old.close();
      await store.close();
    }
  });
});
