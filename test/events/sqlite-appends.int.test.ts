import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore, EventStoreArgumentError, StoreUnavailableError, VersionConflictError, type RecordedEvent } from '../../src/events/index.ts';
import { collect, ev } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'freshet-sqlite-appends-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newPath = (): string => join(dir, `store-${(files += 1)}.db`);
const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

describe('sqlite event store: group commit', () => {
  it('checks each append of one turn on its own: a conflict fails only itself, later appends see earlier ones', async () => {
    const store = createSqliteEventStore({ path: newPath() });
    const outcomes = await Promise.allSettled([
      store.appendToStream('s', [ev('A')], { expectedVersion: 'no_stream' }),
      store.appendToStream('s', [ev('B'), ev('C')], { expectedVersion: 1 }),
      store.appendToStream('s', [ev('X')], { expectedVersion: 1 }),
      store.appendToStream('s', [ev('D')], { expectedVersion: 'stream_exists' }),
      store.appendToStream('t', [ev('E')], { expectedVersion: 'no_stream' }),
      store.appendToStream('t', [ev('Y')], { expectedVersion: 'no_stream' }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toEqual(new VersionConflictError('s', 1, 3));
    expect((outcomes[5] as PromiseRejectedResult).reason).toEqual(new VersionConflictError('t', 'no_stream', 1));
    expect((await store.readStream('s')).map((event) => event.type)).toEqual(['A', 'B', 'C', 'D']);
    expect((await store.readAll()).map((event) => event.type)).toEqual(['A', 'B', 'C', 'D', 'E']);
    await store.close();
  });

  it('commits the appends of one turn together, stamped with one clock reading', async () => {
    let readings = 0;
    const store = createSqliteEventStore({ path: newPath(), clock: { now: () => T0 + 1_000 * (readings += 1) } });
    await Promise.all(Array.from({ length: 50 }, (_, index) => store.appendToStream(`s-${index}`, [ev('A')])));
    await store.appendToStream('later', [ev('B')]);
    const stamps = (await store.readAll()).map((event) => event.recordedAt);
    expect(new Set(stamps.slice(0, 50))).toEqual(new Set(['2024-05-01T12:00:01.000Z']));
    expect(stamps[50]).toBe('2024-05-01T12:00:02.000Z');
    await store.close();
  });

  it('treats a retry within the same turn as the same append', async () => {
    const store = createSqliteEventStore({ path: newPath() });
    const events = [ev('A', {}, { id: randomUUID() }), ev('B', {}, { id: randomUUID() })];
    const [first, retry] = await Promise.all([
      store.appendToStream('s', events, { expectedVersion: 'no_stream' }),
      store.appendToStream('s', events, { expectedVersion: 'no_stream' }),
    ]);
    expect(retry).toEqual(first);
    expect(await store.streamVersion('s')).toBe(2);
    await store.close();
  });

  it('writes bursts larger than one batch completely and in order', async () => {
    const store = createSqliteEventStore({ path: newPath(), durability: 'relaxed' });
    const results = await Promise.all(Array.from({ length: 2_500 }, (_, index) => store.appendToStream('burst', [ev('N', { index })], { expectedVersion: index })));
    expect(results.at(-1)).toMatchObject({ nextExpectedVersion: 2_500 });
    const events = await store.readStream('burst');
    expect(events.map((event) => (event.data as { index: number }).index)).toEqual(Array.from({ length: 2_500 }, (_, index) => index));
    await store.close();
  });
});

describe('sqlite event store: lifecycle', () => {
  it('refuses bad options with a message saying what to fix', () => {
    expect(() => createSqliteEventStore({ path: '' })).toThrow(EventStoreArgumentError);
    expect(() => createSqliteEventStore({ path: ':memory:' })).toThrow(/createMemoryEventStore/);
    expect(() => createSqliteEventStore({ path: newPath(), durability: 'fast' as 'relaxed' })).toThrow(/durability must be 'durable' or 'relaxed'/);
    expect(() => createSqliteEventStore({ path: newPath(), pollIntervalMs: 0 })).toThrow(/pollIntervalMs/);
  });

  it('fails with StoreUnavailableError naming the path when the file cannot be opened', () => {
    const path = join(dir, 'missing-directory', 'store.db');
    expect(() => createSqliteEventStore({ path })).toThrow(StoreUnavailableError);
    expect(() => createSqliteEventStore({ path })).toThrow(path);
  });

  it('starts empty and stamps recordedAt from the injected clock', async () => {
    const store = createSqliteEventStore({ path: newPath(), clock: { now: () => T0 } });
    expect(await store.headPosition()).toBe(0);
    await store.appendToStream('s', [ev('A')]);
    expect((await store.readStream('s'))[0]!.recordedAt).toBe('2024-05-01T12:00:00.000Z');
    await store.close();
  });

  it('close writes the appends still queued, then refuses new calls', async () => {
    const path = newPath();
    const store = createSqliteEventStore({ path });
    const pending = Array.from({ length: 10 }, (_, index) => store.appendToStream('s', [ev('Queued', { index })]));
    await store.close();
    expect((await Promise.all(pending)).at(-1)).toMatchObject({ nextExpectedVersion: 10 });
    await expect(store.appendToStream('s', [ev('Late')])).rejects.toThrow(StoreUnavailableError);
    await expect(store.headPosition()).rejects.toThrow(/closed/);
    await expect(collect(store.subscribe(), 1)).rejects.toThrow(StoreUnavailableError);
    const reopened = createSqliteEventStore({ path });
    expect(await reopened.streamVersion('s')).toBe(10);
    await reopened.close();
  });

  it('the writer thread does not keep a process alive once its appends are written (a store left open)', async () => {
    const path = newPath();
    const entry = fileURLToPath(new URL('../../src/events/index.ts', import.meta.url));
    const script = `
      const { createSqliteEventStore } = await import(${JSON.stringify(entry)});
      const store = createSqliteEventStore({ path: ${JSON.stringify(path)} });
      const metadata = { actor: 'child', correlationId: 'c', occurredAt: '2024-05-01T00:00:00.000Z' };
      void store.appendToStream('s', [{ type: 'LeftOpen', schemaVersion: 1, data: {}, metadata }]);`;
    // The append is not awaited: the thread keeps the process alive until it is durable, then lets it exit.
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000, encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    const reopened = createSqliteEventStore({ path });
    expect(await reopened.streamVersion('s')).toBe(1);
    await reopened.close();
  });

  it('completes subscriptions when closed', async () => {
    const store = createSqliteEventStore({ path: newPath() });
    let completed = false;
    store.subscribe().subscribe({ complete: () => (completed = true) });
    await store.close();
    expect(completed).toBe(true);
  });

  it('catches up over many pages, then goes live, without gaps', async () => {
    const store = createSqliteEventStore({ path: newPath(), durability: 'relaxed' });
    for (let batch = 0; batch < 12; batch += 1) {
      await store.appendToStream('long', Array.from({ length: 100 }, () => ev('Old')));
    }
    const received = collect(store.subscribe({ after: 150 }), 1_051);
    await store.appendToStream('long', [ev('New')]);
    const events: RecordedEvent[] = await received;
    expect(events.map((event) => event.position)).toEqual(Array.from({ length: 1_051 }, (_, index) => 151 + index));
    expect(events.at(-1)!.type).toBe('New');
    await store.close();
  });
});
