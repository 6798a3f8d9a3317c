import { describe, expect, it } from 'vitest';
import { createMemoryEventStore } from '../../src/events/index.ts';
import { collect, ev, eventStoreContract } from './contract.ts';

eventStoreContract('memory', async () => {
  const store = createMemoryEventStore();
  return { store, cleanup: () => store.close() };
});

describe('memory event store', () => {
  const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

  it('starts empty: head 0 and an empty log', async () => {
    const store = createMemoryEventStore();
    expect(await store.headPosition()).toBe(0);
    expect(await store.readAll()).toEqual([]);
  });

  it('stamps recordedAt from the injected clock', async () => {
    let now = T0;
    const store = createMemoryEventStore({ clock: { now: () => now } });
    await store.appendToStream('s', [ev('A')]);
    now = T0 + 60_000;
    await store.appendToStream('s', [ev('B')]);
    expect((await store.readStream('s')).map((event) => event.recordedAt)).toEqual(['2024-05-01T12:00:00.000Z', '2024-05-01T12:01:00.000Z']);
  });

  it('numbers positions 1, 2, 3… across streams', async () => {
    const store = createMemoryEventStore();
    await store.appendToStream('a', [ev('A'), ev('B')]);
    await store.appendToStream('b', [ev('C')]);
    expect((await store.readAll()).map((event) => event.position)).toEqual([1, 2, 3]);
    expect(await store.headPosition()).toBe(3);
  });

  it('completes subscriptions on close and refuses new ones', async () => {
    const store = createMemoryEventStore();
    await store.appendToStream('a', [ev('A')]);
    let completed = false;
    const seen: string[] = [];
    store.subscribe().subscribe({ next: (event) => seen.push(event.type), complete: () => (completed = true) });
    await store.close();
    expect(seen).toEqual(['A']);
    expect(completed).toBe(true);
    await expect(collect(store.subscribe(), 1)).rejects.toThrow(/closed/);
  });

  it('delivers events appended from inside a subscriber, in order, once', async () => {
    const store = createMemoryEventStore();
    const seen: number[] = [];
    store.subscribe().subscribe((event) => {
      seen.push(event.position);
      if (event.position < 5) void store.appendToStream('chain', [ev('Next')]);
    });
    await store.appendToStream('chain', [ev('First')]);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('records frozen metadata shared by many appends as it is (serialized once), and refuses bad frozen metadata', async () => {
    const store = createMemoryEventStore();
    const shared = Object.freeze({ actor: 'freshet-engine', correlationId: 'pass-1', occurredAt: '2024-05-01T12:00:00.000Z' });
    await store.appendToStream('a', [{ type: 'A', schemaVersion: 1, data: {}, metadata: shared }]);
    await store.appendToStream('b', [{ type: 'B', schemaVersion: 1, data: {}, metadata: shared }]);
    expect((await store.readAll()).map((e) => e.metadata)).toEqual([shared, shared]);
    const bad = Object.freeze({ actor: '', correlationId: 'x', occurredAt: '2024-05-01T12:00:00.000Z' });
    await expect(store.appendToStream('c', [{ type: 'C', schemaVersion: 1, data: {}, metadata: bad }])).rejects.toThrow(/metadata.actor must be a non-empty string/);
  });
});
