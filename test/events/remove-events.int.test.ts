import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryEventStore, createSqliteEventStore, type EventStore, EventStoreArgumentError, openPostgresEventStore, RetentionUnsupportedError } from '../../src/events/index.ts';
import { ev } from './contract/support.ts';
import { freshSchema, PG_URL, pgSkip, runSql } from './postgres-server.ts';

const T0 = Date.UTC(2026, 0, 1);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Opened = { store: EventStore; clock: { t: number }; reopen?: () => EventStore };

const adapters: [string, () => Opened][] = [
  ['memory', () => {
    const clock = { t: T0 };
    return { store: createMemoryEventStore({ clock: { now: () => clock.t } }), clock };
  }],
  ['sqlite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'freshet-remove-'));
    dirs.push(dir);
    const clock = { t: T0 };
    const path = join(dir, 'events.sqlite');
    const open = () => createSqliteEventStore({ path, clock: { now: () => clock.t }, writer: 'inline' });
    return { store: open(), clock, reopen: open };
  }],
];

const KEEP = { keepTypes: ['Created'] };

describe.each(adapters)('removeEvents on the %s store', (_name, open) => {
  /** s: Created (T0), Fired ×3 (T0 + 1..3 min); t: Fired (T0 + 4 min); then Fired on s at T0 + 1 day. */
  async function seeded(): Promise<Opened> {
    const o = open();
    await o.store.appendToStream('s', [ev('Created')]);
    for (let i = 1; i <= 3; i++) {
      o.clock.t = T0 + i * 60_000;
      await o.store.appendToStream('s', [ev('Fired', { i })]);
    }
    o.clock.t = T0 + 4 * 60_000;
    await o.store.appendToStream('t', [ev('Fired', { i: 4 })]);
    o.clock.t = T0 + 86_400_000;
    await o.store.appendToStream('s', [ev('Fired', { i: 5 })]);
    return o;
  }
  const before = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

  it('removes the named events; reads pass over them and stream versions and expected versions stay', async () => {
    const { store, reopen } = await seeded();
    expect(await store.removeEvents([2, 3, 5], { recordedBefore: before(10), ...KEEP })).toEqual({ removed: 3 });
    const check = async (s: EventStore) => {
      expect((await s.readAll()).map((e) => e.position)).toEqual([1, 4, 6]);
      expect((await s.readStream('s')).map((e) => e.version)).toEqual([1, 4, 5]);
      expect((await s.readStream('s', { direction: 'backwards', maxCount: 2 })).map((e) => e.version)).toEqual([5, 4]);
      expect((await s.readStream('s', { fromVersion: 2, maxCount: 1 })).map((e) => e.version)).toEqual([4]);
      expect(await s.streamVersion('s')).toBe(5);
      expect(await s.readStream('t')).toEqual([]);
      expect(await s.streamVersion('t')).toBe(1);
    };
    await check(store);
    await expect(store.appendToStream('s', [ev('Fired')], { expectedVersion: 3 })).rejects.toThrow(/expected at version 3 but is at version 5/);
    await store.appendToStream('s', [ev('Fired')], { expectedVersion: 5 });
    expect((await store.readAll({ after: 4 })).map((e) => [e.position, e.version])).toEqual([[6, 5], [7, 6]]);
    // Again: nothing left to remove is no error (a retry after a crash).
    expect(await store.removeEvents([2, 3], { recordedBefore: before(10), ...KEEP })).toEqual({ removed: 0 });
    if (reopen) {
      await store.close();
      const again = reopen();
      expect((await again.readAll()).map((e) => e.position)).toEqual([1, 4, 6, 7]);
      await again.close();
    } else await store.close();
  });

  it('refuses, removing nothing, a kept type, an event recorded too late, the newest event or bad arguments', async () => {
    const { store } = await seeded();
    await expect(store.removeEvents([2, 1], { recordedBefore: before(10), ...KEEP })).rejects.toThrow(/Nothing was removed: position 1 \(stream s\) is a Created, a type that is never removed/);
    await expect(store.removeEvents([3, 4], { recordedBefore: before(3), ...KEEP })).rejects.toThrow(/position 4 \(stream s\) was recorded at .*, not before/);
    await expect(store.removeEvents([2, 6], { recordedBefore: before(3 * 1440), ...KEEP })).rejects.toThrow(/position 6 is the log's newest event, which is never removed/);
    await expect(store.removeEvents([0], { recordedBefore: before(3), ...KEEP })).rejects.toThrow(EventStoreArgumentError);
    await expect(store.removeEvents([2], { recordedBefore: 'yesterday', ...KEEP })).rejects.toThrow(/recordedBefore must be an ISO-8601 instant/);
    expect((await store.readAll()).map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6]);
    await store.close();
  });
});

describe('removeEvents on the SQLite file', () => {
  it('reuses the freed pages: a log that keeps removing what it archived stops growing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'freshet-remove-size-'));
    dirs.push(dir);
    const path = join(dir, 'events.sqlite');
    const clock = { t: T0 };
    const store = createSqliteEventStore({ path, clock: { now: () => clock.t }, writer: 'inline', durability: 'relaxed' });
    const sizes: number[] = [];
    const payload = 'x'.repeat(400);
    for (let round = 0; round < 8; round++) {
      clock.t = T0 + round * 60_000;
      const first = (await store.headPosition()) + 1;
      await Promise.all(Array.from({ length: 2_000 }, (_, i) => store.appendToStream(`s-${round}-${i % 50}`, [ev('Fired', { payload })])));
      if (round > 0) await store.removeEvents(Array.from({ length: 2_000 }, (_, i) => first - 2_000 + i), { recordedBefore: new Date(clock.t).toISOString(), keepTypes: [] });
      const db = new Sqlite(path);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      sizes.push(statSync(path).size);
    }
    await store.close();
    // Two rounds' worth at most are ever held; after the first removal the file no longer grows.
    expect(sizes[7]).toBeLessThanOrEqual(sizes[2]! * 1.1);
    expect(sizes[7]).toBeLessThan(sizes[0]! * 4);
  });
});

describe('stores that cannot remove yet', () => {
  (pgSkip.skip ? it.skip : it)(`PostgreSQL refuses with a clear error${pgSkip.skip ? ` (skipped: ${pgSkip.skip})` : ''}`, async () => {
    const schema = freshSchema();
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema });
    try {
      await store.appendToStream('s', [ev('Fired')]);
      const refused = store.removeEvents([1], { recordedBefore: new Date().toISOString(), keepTypes: [] });
      await expect(refused).rejects.toThrow(RetentionUnsupportedError);
      await expect(refused).rejects.toThrow('Retention is not yet available on the PostgreSQL event store: nothing was archived or removed.');
      expect(await store.readAll()).toHaveLength(1);
    } finally {
      await store.close();
      await runSql(`DROP SCHEMA ${schema} CASCADE`);
    }
  });
});
