import { randomUUID } from 'node:crypto';
import { firstValueFrom, take, tap, timeout, toArray, type Observable } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EventStoreArgumentError,
  StoreUnavailableError,
  StreamNotFoundError,
  VersionConflictError,
  type EventMetadata,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../../src/events/index.ts';

/**
 * The event-store port's contract, run by every adapter. It assumes nothing about the store's prior contents
 * (EventStoreDB keeps data and system events between runs): every test writes under its own stream-name
 * prefix, reads the log after the head it saw first, and expects positions to be strictly increasing only.
 */
export function eventStoreContract(
  adapterName: string,
  open: () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>,
  options: { skip?: boolean | string } = {},
): void {
  const why = typeof options.skip === 'string' ? ` (skipped: ${options.skip})` : '';
  const suite = options.skip ? describe.skip : describe;

  suite(`event store contract: ${adapterName}${why}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let ns: string;
    let head0: number;
    const stream = (name: string): string => `${ns}${name}`;
    const mine = (events: RecordedEvent[]): RecordedEvent[] => events.filter((event) => event.streamName.startsWith(ns));

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      ns = `contract${randomUUID().slice(0, 8)}-`;
      head0 = await store.headPosition();
    });
    afterEach(async () => {
      await cleanup();
    });

    const conflict = async (promise: Promise<unknown>): Promise<VersionConflictError> => {
      const error: unknown = await promise.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(VersionConflictError);
      return error as VersionConflictError;
    };

    describe('expected version', () => {
      it("'no_stream' creates a stream and is refused once it exists", async () => {
        const first = await store.appendToStream(stream('a'), [ev('Opened')], { expectedVersion: 'no_stream' });
        expect(first.nextExpectedVersion).toBe(1);
        expect(first.position).toBeGreaterThan(head0);
        const error = await conflict(store.appendToStream(stream('a'), [ev('Opened')], { expectedVersion: 'no_stream' }));
        expect(error).toMatchObject({ streamName: stream('a'), expected: 'no_stream', actual: 1 });
      });

      it("'stream_exists' is refused for a missing stream and accepted for an existing one", async () => {
        const error = await conflict(store.appendToStream(stream('b'), [ev('Noted')], { expectedVersion: 'stream_exists' }));
        expect(error).toMatchObject({ streamName: stream('b'), expected: 'stream_exists', actual: 0 });
        await store.appendToStream(stream('b'), [ev('Opened')]);
        const result = await store.appendToStream(stream('b'), [ev('Noted')], { expectedVersion: 'stream_exists' });
        expect(result.nextExpectedVersion).toBe(2);
      });

      it('a number must equal the count of events in the stream (0 for a missing stream)', async () => {
        const first = await store.appendToStream(stream('c'), [ev('A'), ev('B')], { expectedVersion: 0 });
        expect(first.nextExpectedVersion).toBe(2);
        const second = await store.appendToStream(stream('c'), [ev('C')], { expectedVersion: 2 });
        expect(second.nextExpectedVersion).toBe(3);
        expect(second.position).toBeGreaterThan(first.position);
      });

      it('a stale or future number is refused with the expected and actual versions', async () => {
        await store.appendToStream(stream('d'), [ev('A'), ev('B'), ev('C')]);
        expect(await conflict(store.appendToStream(stream('d'), [ev('X')], { expectedVersion: 2 }))).toMatchObject({ expected: 2, actual: 3 });
        expect(await conflict(store.appendToStream(stream('d'), [ev('X')], { expectedVersion: 7 }))).toMatchObject({ expected: 7, actual: 3 });
        expect(await conflict(store.appendToStream(stream('missing'), [ev('X')], { expectedVersion: 1 }))).toMatchObject({ expected: 1, actual: 0 });
      });

      it("'any' (also the default) appends whatever the stream's state", async () => {
        expect((await store.appendToStream(stream('e'), [ev('A')], { expectedVersion: 'any' })).nextExpectedVersion).toBe(1);
        expect((await store.appendToStream(stream('e'), [ev('B')], { expectedVersion: 'any' })).nextExpectedVersion).toBe(2);
        expect((await store.appendToStream(stream('e'), [ev('C')])).nextExpectedVersion).toBe(3);
      });

      it('a refused append writes nothing', async () => {
        await store.appendToStream(stream('f'), [ev('A')]);
        const head = await store.headPosition();
        await conflict(store.appendToStream(stream('f'), [ev('X'), ev('Y')], { expectedVersion: 0 }));
        expect((await store.readStream(stream('f'))).map((event) => event.type)).toEqual(['A']);
        expect(await store.streamVersion(stream('f'))).toBe(1);
        expect(mine(await store.readAll({ after: head }))).toEqual([]);
      });
    });

    describe('appending', () => {
      it('appends several events atomically with consecutive versions and increasing positions', async () => {
        const result = await store.appendToStream(stream('multi'), [ev('A'), ev('B'), ev('C')], { expectedVersion: 'no_stream' });
        const events = await store.readStream(stream('multi'));
        expect(events.map((event) => [event.type, event.version])).toEqual([['A', 1], ['B', 2], ['C', 3]]);
        expectIncreasing(events.map((event) => event.position));
        expect(result).toEqual({ nextExpectedVersion: 3, position: events[2]!.position });
      });

      it('keeps given ids and generates UUIDs for the others', async () => {
        const id = randomUUID();
        await store.appendToStream(stream('ids'), [ev('A', {}, { id }), ev('B')]);
        const [a, b] = await store.readStream(stream('ids'));
        expect(a!.id).toBe(id);
        expect(b!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
        expect(b!.id).not.toBe(id);
      });

      it('an empty append checks the expected version and appends nothing', async () => {
        expect((await store.appendToStream(stream('empty'), [], { expectedVersion: 'no_stream' })).nextExpectedVersion).toBe(0);
        expect(await store.streamExists(stream('empty'))).toBe(false);
        await store.appendToStream(stream('empty'), [ev('A')]);
        expect((await store.appendToStream(stream('empty'), [], { expectedVersion: 1 })).nextExpectedVersion).toBe(1);
        expect(await conflict(store.appendToStream(stream('empty'), [], { expectedVersion: 0 }))).toMatchObject({ expected: 0, actual: 1 });
        expect(await store.streamVersion(stream('empty'))).toBe(1);
      });

      it('rejects malformed input with a typed error that names the problem', async () => {
        await expect(store.appendToStream('', [ev('A')])).rejects.toThrow(EventStoreArgumentError);
        await expect(store.appendToStream(stream('bad'), [ev('A')], { expectedVersion: -1 })).rejects.toThrow(/expectedVersion/);
        await expect(store.appendToStream(stream('bad'), [ev('A')], { expectedVersion: 1.5 })).rejects.toThrow(EventStoreArgumentError);
        await expect(store.appendToStream(stream('bad'), [ev('')])).rejects.toThrow(/type/);
        await expect(store.appendToStream(stream('bad'), [ev('A', {}, { id: 'not-a-uuid' })])).rejects.toThrow(/id/);
        await expect(store.appendToStream(stream('bad'), [ev('A', 1n)])).rejects.toThrow(/JSON/);
        await expect(store.readStream(stream('bad'), { maxCount: 0 })).rejects.toThrow(/maxCount/);
        expect(await store.streamExists(stream('bad'))).toBe(false);
      });
    });

    describe('idempotent retries', () => {
      it('repeating an append with the same ids and expected version answers the first result', async () => {
        const events = [ev('A', {}, { id: randomUUID() }), ev('B', {}, { id: randomUUID() })];
        const first = await store.appendToStream(stream('retry'), events, { expectedVersion: 'no_stream' });
        expect(await store.appendToStream(stream('retry'), events, { expectedVersion: 'no_stream' })).toEqual(first);
        expect(await store.appendToStream(stream('retry'), events, { expectedVersion: 0 })).toEqual(first);
        expect(await store.streamVersion(stream('retry'))).toBe(2);
      });

      it('a retry still answers the first result after the stream moved on', async () => {
        const events = [ev('A', {}, { id: randomUUID() })];
        const first = await store.appendToStream(stream('moved'), events, { expectedVersion: 0 });
        await store.appendToStream(stream('moved'), [ev('B')], { expectedVersion: 1 });
        expect(await store.appendToStream(stream('moved'), events, { expectedVersion: 0 })).toEqual(first);
        expect(await store.streamVersion(stream('moved'))).toBe(2);
      });

      it("with 'any', a retry of the stream's tail is a no-op", async () => {
        const events = [ev('A', {}, { id: randomUUID() })];
        await store.appendToStream(stream('anyretry'), [ev('Z')]);
        const first = await store.appendToStream(stream('anyretry'), events);
        expect(await store.appendToStream(stream('anyretry'), events)).toEqual(first);
        expect(await store.streamVersion(stream('anyretry'))).toBe(2);
      });

      it('different ids, or only some of the same ids, at a taken version are a conflict', async () => {
        const a = ev('A', {}, { id: randomUUID() });
        await store.appendToStream(stream('notretry'), [a, ev('B', {}, { id: randomUUID() })], { expectedVersion: 'no_stream' });
        await conflict(store.appendToStream(stream('notretry'), [ev('A', {}, { id: randomUUID() })], { expectedVersion: 'no_stream' }));
        await conflict(store.appendToStream(stream('notretry'), [a, ev('C', {}, { id: randomUUID() })], { expectedVersion: 0 }));
        expect(await store.streamVersion(stream('notretry'))).toBe(2);
      });
    });

    describe('reading a stream', () => {
      const fill = async (name: string, count: number): Promise<void> => {
        await store.appendToStream(stream(name), Array.from({ length: count }, (_, index) => ev(`E${index + 1}`, { n: index + 1 })));
      };

      it('reads forwards with every recorded field', async () => {
        await fill('r', 3);
        const events = await store.readStream(stream('r'));
        expect(events.map((event) => event.type)).toEqual(['E1', 'E2', 'E3']);
        const first = events[0]!;
        expect(first).toMatchObject({ streamName: stream('r'), version: 1, schemaVersion: 1, data: { n: 1 }, metadata: meta() });
        expect(new Date(first.recordedAt).toISOString()).toBe(first.recordedAt);
        expect(first.position).toBeGreaterThan(head0);
      });

      it('reads backwards from the end', async () => {
        await fill('r', 4);
        expect((await store.readStream(stream('r'), { direction: 'backwards' })).map((event) => event.version)).toEqual([4, 3, 2, 1]);
      });

      it('reads from a version, inclusive, in both directions, with maxCount', async () => {
        await fill('r', 6);
        const versions = async (options: Parameters<EventStore['readStream']>[1]): Promise<number[]> =>
          (await store.readStream(stream('r'), options)).map((event) => event.version);
        expect(await versions({ fromVersion: 3 })).toEqual([3, 4, 5, 6]);
        expect(await versions({ fromVersion: 3, maxCount: 2 })).toEqual([3, 4]);
        expect(await versions({ maxCount: 2 })).toEqual([1, 2]);
        expect(await versions({ direction: 'backwards', fromVersion: 3 })).toEqual([3, 2, 1]);
        expect(await versions({ direction: 'backwards', maxCount: 2 })).toEqual([6, 5]);
        expect(await versions({ direction: 'backwards', fromVersion: 5, maxCount: 2 })).toEqual([5, 4]);
        expect(await versions({ fromVersion: 7 })).toEqual([]);
      });

      it('a missing stream throws StreamNotFoundError naming it', async () => {
        const error: unknown = await store.readStream(stream('nope')).catch((reason: unknown) => reason);
        expect(error).toBeInstanceOf(StreamNotFoundError);
        expect(error).toMatchObject({ streamName: stream('nope') });
      });

      it('does not mix streams whose names share a prefix', async () => {
        await fill('order-1', 1);
        await fill('order-10', 2);
        expect(await store.readStream(stream('order-1'))).toHaveLength(1);
        expect(await store.readStream(stream('order-10'))).toHaveLength(2);
      });
    });

    describe('the global log', () => {
      const interleave = async (): Promise<void> => {
        await store.appendToStream(stream('x-1'), [ev('Made', { i: 1 })]);
        await store.appendToStream(stream('y-1'), [ev('Made', { i: 2 }), ev('Noted', { i: 3 })]);
        await store.appendToStream(stream('x-1'), [ev('Noted', { i: 4 })]);
        await store.appendToStream(stream('x-2'), [ev('Made', { i: 5 })]);
      };
      const order = (events: RecordedEvent[]): number[] => events.map((event) => (event.data as { i: number }).i);

      it('keeps global order across streams with strictly increasing positions', async () => {
        await interleave();
        const events = mine(await store.readAll({ after: head0 }));
        expect(order(events)).toEqual([1, 2, 3, 4, 5]);
        expectIncreasing(events.map((event) => event.position));
        expect(await store.headPosition()).toBeGreaterThanOrEqual(events[4]!.position);
      });

      it('reads strictly after a position, up to maxCount', async () => {
        await interleave();
        const all = mine(await store.readAll({ after: head0 }));
        const filter = { streamPrefix: ns };
        expect(order(await store.readAll({ after: all[1]!.position, filter }))).toEqual([3, 4, 5]);
        expect(order(await store.readAll({ after: all[1]!.position, maxCount: 2, filter }))).toEqual([3, 4]);
        expect(await store.readAll({ after: all[4]!.position, filter })).toEqual([]);
      });

      it('filters by stream prefix, by several prefixes and by event type', async () => {
        await interleave();
        expect(order(await store.readAll({ after: head0, filter: { streamPrefix: stream('x-') } }))).toEqual([1, 4, 5]);
        expect(order(await store.readAll({ after: head0, filter: { streamPrefix: [stream('x-2'), stream('y-')] } }))).toEqual([2, 3, 5]);
        expect(order(mine(await store.readAll({ after: head0, filter: { eventTypes: ['Noted'] } })))).toEqual([3, 4]);
        const both = { streamPrefix: stream('x-'), eventTypes: ['Made'] };
        expect(order(await store.readAll({ after: head0, filter: both }))).toEqual([1, 5]);
        expect(order(await store.readAll({ after: head0, filter: both, maxCount: 1 }))).toEqual([1]);
      });

      it('treats prefix characters literally (no wildcards)', async () => {
        await store.appendToStream(stream('a_b%1'), [ev('Made', { i: 1 })]);
        await store.appendToStream(stream('axb-1'), [ev('Made', { i: 2 })]);
        await store.appendToStream(stream("q'uote \"ü\" 1"), [ev('Made', { i: 3 })]);
        expect(order(await store.readAll({ after: head0, filter: { streamPrefix: stream('a_b%') } }))).toEqual([1]);
        expect(order(await store.readAll({ after: head0, filter: { streamPrefix: stream("q'uote \"ü\"") } }))).toEqual([3]);
      });

      it('streamExists, streamVersion and headPosition follow appends', async () => {
        expect(await store.streamExists(stream('s'))).toBe(false);
        expect(await store.streamVersion(stream('s'))).toBe(0);
        const result = await store.appendToStream(stream('s'), [ev('A'), ev('B')]);
        expect(await store.streamExists(stream('s'))).toBe(true);
        expect(await store.streamVersion(stream('s'))).toBe(2);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(result.position);
        expect(result.position).toBeGreaterThan(head0);
      });
    });

    describe('subscriptions', () => {
      it('catches up from a position, then delivers live events', async () => {
        await store.appendToStream(stream('sub'), [ev('A'), ev('B')]);
        const firstTwo = await store.readAll({ after: head0, filter: { streamPrefix: ns } });
        const received = collect(store.subscribe({ after: firstTwo[0]!.position, filter: { streamPrefix: ns } }), 2);
        await store.appendToStream(stream('sub'), [ev('C')]);
        expect((await received).map((event) => event.type)).toEqual(['B', 'C']);
      });

      it('applies the filter to catch-up and live events alike', async () => {
        await store.appendToStream(stream('p-1'), [ev('Made'), ev('Noted')]);
        await store.appendToStream(stream('q-1'), [ev('Made')]);
        const received = collect(store.subscribe({ after: head0, filter: { streamPrefix: stream('p-'), eventTypes: ['Made'] } }), 2);
        await store.appendToStream(stream('q-1'), [ev('Made')]);
        await store.appendToStream(stream('p-2'), [ev('Noted'), ev('Made', { live: true })]);
        const events = await received;
        expect(events.map((event) => [event.streamName, event.type])).toEqual([[stream('p-1'), 'Made'], [stream('p-2'), 'Made']]);
        expect(events[1]!.data).toEqual({ live: true });
      });

      it('delivers only live events when subscribed from the head', async () => {
        await store.appendToStream(stream('old'), [ev('Old')]);
        const received = collect(store.subscribe({ after: await store.headPosition(), filter: { streamPrefix: ns } }), 1);
        await store.appendToStream(stream('new'), [ev('New')]);
        expect((await received).map((event) => event.type)).toEqual(['New']);
      });

      it('stops delivering after unsubscribe, while other subscribers go on', async () => {
        const seenByFirst: RecordedEvent[] = [];
        const filter = { streamPrefix: ns };
        const first = store.subscribe({ after: head0, filter }).subscribe((event) => seenByFirst.push(event));
        const second = collect(store.subscribe({ after: head0, filter }), 3);
        await store.appendToStream(stream('u'), [ev('A')]);
        await waitFor(() => seenByFirst.length === 1);
        first.unsubscribe();
        await store.appendToStream(stream('u'), [ev('B')]);
        await store.appendToStream(stream('u'), [ev('C')]);
        expect((await second).map((event) => event.type)).toEqual(['A', 'B', 'C']);
        expect(seenByFirst.map((event) => event.type)).toEqual(['A']);
      });

      it('has no gap and no duplicate when events are appended during catch-up', async () => {
        const batches = 6;
        for (let batch = 0; batch < batches; batch += 1) {
          await store.appendToStream(stream('busy'), Array.from({ length: 50 }, () => ev('Before')));
        }
        const live = 150;
        let started = false;
        const pending: Promise<unknown>[] = [];
        const received = collect(
          store.subscribe({ after: head0, filter: { streamPrefix: ns } }).pipe(
            tap(() => {
              if (started) return;
              started = true;
              for (let index = 0; index < live; index += 1) pending.push(store.appendToStream(stream('busy'), [ev('During')]));
            }),
          ),
          batches * 50 + live,
        );
        const events = await received;
        await Promise.all(pending);
        expect(events.map((event) => event.version)).toEqual(Array.from({ length: batches * 50 + live }, (_, index) => index + 1));
        expectIncreasing(events.map((event) => event.position));
        const stored = await store.readStream(stream('busy'));
        expect(events.map((event) => event.id)).toEqual(stored.map((event) => event.id));
      });

      it('delivers nothing that its filter excludes', async () => {
        const received = collect(store.subscribe({ after: head0, filter: { eventTypes: [`${ns}Only`] } }), 1);
        await store.appendToStream(stream('other'), [ev('Other')]);
        await store.appendToStream(stream('only'), [ev(`${ns}Only`)]);
        expect((await received).map((event) => event.streamName)).toEqual([stream('only')]);
      });
    });

    describe('concurrency', () => {
      it('exactly one of several appends with the same expected version wins', async () => {
        await store.appendToStream(stream('race'), [ev('Start')]);
        const contenders = 8;
        const outcomes = await Promise.allSettled(
          Array.from({ length: contenders }, (_, index) =>
            store.appendToStream(stream('race'), [ev('Won', { index }), ev('Won', { index })], { expectedVersion: 1 }),
          ),
        );
        const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [index] : []));
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ name: 'VersionConflictError', expected: 1, actual: 3 });
        }
        const data = (await store.readStream(stream('race'), { fromVersion: 2 })).map((event) => event.data);
        expect(data).toEqual([{ index: winners[0] }, { index: winners[0] }]);
      });

      it("concurrent 'any' appends to one stream all land, each with its own version", async () => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, index) => store.appendToStream(stream('many'), [ev('N', { index })])));
        expect(results.map((result) => result.nextExpectedVersion).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
        expect(await store.streamVersion(stream('many'))).toBe(20);
      });

      it('concurrent appends to different streams all succeed', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) => store.appendToStream(stream(`par-${index}`), [ev('N')], { expectedVersion: 'no_stream' })),
        );
        expect(results.every((result) => result.nextExpectedVersion === 1)).toBe(true);
        expect(new Set(results.map((result) => result.position)).size).toBe(20);
      });
    });

    describe('round trips', () => {
      it('keeps metadata, with and without optional fields', async () => {
        const full: EventMetadata = { actor: 'alice', reason: 'nightly refresh', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2024-02-29T23:59:59.999Z' };
        await store.appendToStream(stream('m'), [ev('Full', {}, { metadata: full }), ev('Bare', {}, { metadata: meta() })]);
        const [a, b] = await store.readStream(stream('m'));
        expect(a!.metadata).toEqual(full);
        expect(b!.metadata).toEqual(meta());
        expect(Object.keys(b!.metadata).sort()).toEqual(['actor', 'correlationId', 'occurredAt']);
      });

      it('keeps data as JSON would, including schemaVersion', async () => {
        const data = {
          text: 'ünïcödé ✓ 𝄞 "quotes" \\ back',
          numbers: [0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER],
          nested: { deep: { deeper: [null, true, false, { empty: {} }] } },
          empty: '',
          big: 'x'.repeat(100_000),
          when: new Date('2024-01-01T00:00:00.000Z'),
          dropped: undefined,
        };
        await store.appendToStream(stream('j'), [ev('Data', data, { schemaVersion: 3 }), ev('Null', null), ev('Array', [1, 'two'])]);
        const events = await store.readStream(stream('j'));
        expect(events[0]!.data).toStrictEqual(JSON.parse(JSON.stringify(data)));
        expect(events[0]!.schemaVersion).toBe(3);
        expect(events[1]!.data).toBeNull();
        expect(events[2]!.data).toEqual([1, 'two']);
        expect(JSON.parse(JSON.stringify(events[0]))).toEqual(events[0]);
      });

      it('is not affected by changing the appended object afterwards', async () => {
        const data = { list: [1, 2] };
        await store.appendToStream(stream('mut'), [ev('A', data)]);
        data.list.push(3);
        const [first] = await store.readStream(stream('mut'));
        (first!.data as { list: number[] }).list.push(4);
        expect((await store.readStream(stream('mut')))[0]!.data).toEqual({ list: [1, 2] });
      });
    });

    describe('closing', () => {
      it('close is idempotent and later calls fail with StoreUnavailableError', async () => {
        await store.appendToStream(stream('c'), [ev('A')]);
        await store.close();
        await store.close();
        await expect(store.appendToStream(stream('c'), [ev('B')])).rejects.toThrow(StoreUnavailableError);
        await expect(store.readStream(stream('c'))).rejects.toThrow(StoreUnavailableError);
      });
    });
  });
}

export function meta(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return { actor: 'contract-test', correlationId: 'corr-1', occurredAt: '2024-05-01T10:00:00.000Z', ...overrides };
}

export function ev(type: string, data: unknown = {}, extra: Partial<NewEvent> = {}): NewEvent {
  return { type, schemaVersion: 1, data, metadata: meta(), ...extra };
}

export function collect<T>(source: Observable<T>, count: number): Promise<T[]> {
  return firstValueFrom(source.pipe(take(count), toArray(), timeout(15_000)));
}

export function expectIncreasing(positions: number[]): void {
  positions.slice(1).forEach((position, index) => expect(position).toBeGreaterThan(positions[index]!));
}

/** Yields to the event loop until a condition holds (no timers), for adapters that deliver asynchronously. */
export async function waitFor(condition: () => boolean, withinMs = 10_000): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (!condition() && performance.now() < deadline) await new Promise<void>((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}
