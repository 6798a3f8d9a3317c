import { describe, expect, it } from 'vitest';
import { StreamNotFoundError, type EventStore, type RecordedEvent } from '../../../src/events/index.ts';
import type { ContractContext } from './context.ts';
import { ev, expectIncreasing, meta } from './support.ts';

/** Reading one stream, and the global log with positions and filters. */
export function readContract(t: ContractContext): void {
  const { stream, mine } = t;
  describe('reading a stream', () => {
    const fill = async (name: string, count: number): Promise<void> => {
      await t.store().appendToStream(stream(name), Array.from({ length: count }, (_, index) => ev(`E${index + 1}`, { n: index + 1 })));
    };

    it('reads forwards with every recorded field', async () => {
      await fill('r', 3);
      const events = await t.store().readStream(stream('r'));
      expect(events.map((event) => event.type)).toEqual(['E1', 'E2', 'E3']);
      const first = events[0]!;
      expect(first).toMatchObject({ streamName: stream('r'), version: 1, schemaVersion: 1, data: { n: 1 }, metadata: meta() });
      expect(new Date(first.recordedAt).toISOString()).toBe(first.recordedAt);
      expect(first.position).toBeGreaterThan(t.head0());
    });

    it('reads backwards from the end', async () => {
      await fill('r', 4);
      expect((await t.store().readStream(stream('r'), { direction: 'backwards' })).map((event) => event.version)).toEqual([4, 3, 2, 1]);
    });

    it('reads from a version, inclusive, in both directions, with maxCount', async () => {
      await fill('r', 6);
      const versions = async (options: Parameters<EventStore['readStream']>[1]): Promise<number[]> =>
        (await t.store().readStream(stream('r'), options)).map((event) => event.version);
      expect(await versions({ fromVersion: 3 })).toEqual([3, 4, 5, 6]);
      expect(await versions({ fromVersion: 3, maxCount: 2 })).toEqual([3, 4]);
      expect(await versions({ maxCount: 2 })).toEqual([1, 2]);
      expect(await versions({ direction: 'backwards', fromVersion: 3 })).toEqual([3, 2, 1]);
      expect(await versions({ direction: 'backwards', maxCount: 2 })).toEqual([6, 5]);
      expect(await versions({ direction: 'backwards', fromVersion: 5, maxCount: 2 })).toEqual([5, 4]);
      expect(await versions({ fromVersion: 7 })).toEqual([]);
    });

    it('a missing stream throws StreamNotFoundError naming it', async () => {
      const error: unknown = await t.store().readStream(stream('nope')).catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(StreamNotFoundError);
      expect(error).toMatchObject({ streamName: stream('nope') });
    });

    it('does not mix streams whose names share a prefix', async () => {
      await fill('order-1', 1);
      await fill('order-10', 2);
      expect(await t.store().readStream(stream('order-1'))).toHaveLength(1);
      expect(await t.store().readStream(stream('order-10'))).toHaveLength(2);
    });
  });

  describe('the global log', () => {
    const interleave = async (): Promise<void> => {
      await t.store().appendToStream(stream('x-1'), [ev('Made', { i: 1 })]);
      await t.store().appendToStream(stream('y-1'), [ev('Made', { i: 2 }), ev('Noted', { i: 3 })]);
      await t.store().appendToStream(stream('x-1'), [ev('Noted', { i: 4 })]);
      await t.store().appendToStream(stream('x-2'), [ev('Made', { i: 5 })]);
    };
    const order = (events: RecordedEvent[]): number[] => events.map((event) => (event.data as { i: number }).i);

    it('keeps global order across streams with strictly increasing positions', async () => {
      await interleave();
      const events = mine(await t.store().readAll({ after: t.head0() }));
      expect(order(events)).toEqual([1, 2, 3, 4, 5]);
      expectIncreasing(events.map((event) => event.position));
      expect(await t.store().headPosition()).toBeGreaterThanOrEqual(events[4]!.position);
    });

    it('reads strictly after a position, up to maxCount', async () => {
      await interleave();
      const all = mine(await t.store().readAll({ after: t.head0() }));
      const filter = { streamPrefix: t.ns() };
      expect(order(await t.store().readAll({ after: all[1]!.position, filter }))).toEqual([3, 4, 5]);
      expect(order(await t.store().readAll({ after: all[1]!.position, maxCount: 2, filter }))).toEqual([3, 4]);
      expect(await t.store().readAll({ after: all[4]!.position, filter })).toEqual([]);
    });

    it('filters by stream prefix, by several prefixes and by event type', async () => {
      await interleave();
      expect(order(await t.store().readAll({ after: t.head0(), filter: { streamPrefix: stream('x-') } }))).toEqual([1, 4, 5]);
      expect(order(await t.store().readAll({ after: t.head0(), filter: { streamPrefix: [stream('x-2'), stream('y-')] } }))).toEqual([2, 3, 5]);
      expect(order(mine(await t.store().readAll({ after: t.head0(), filter: { eventTypes: ['Noted'] } })))).toEqual([3, 4]);
      const both = { streamPrefix: stream('x-'), eventTypes: ['Made'] };
      expect(order(await t.store().readAll({ after: t.head0(), filter: both }))).toEqual([1, 5]);
      expect(order(await t.store().readAll({ after: t.head0(), filter: both, maxCount: 1 }))).toEqual([1]);
    });

    it('treats prefix characters literally (no wildcards)', async () => {
      await t.store().appendToStream(stream('a_b%1'), [ev('Made', { i: 1 })]);
      await t.store().appendToStream(stream('axb-1'), [ev('Made', { i: 2 })]);
      await t.store().appendToStream(stream("q'uote \"ü\" 1"), [ev('Made', { i: 3 })]);
      expect(order(await t.store().readAll({ after: t.head0(), filter: { streamPrefix: stream('a_b%') } }))).toEqual([1]);
      expect(order(await t.store().readAll({ after: t.head0(), filter: { streamPrefix: stream("q'uote \"ü\"") } }))).toEqual([3]);
    });

    it('streamExists, streamVersion and headPosition follow appends', async () => {
      expect(await t.store().streamExists(stream('s'))).toBe(false);
      expect(await t.store().streamVersion(stream('s'))).toBe(0);
      const result = await t.store().appendToStream(stream('s'), [ev('A'), ev('B')]);
      expect(await t.store().streamExists(stream('s'))).toBe(true);
      expect(await t.store().streamVersion(stream('s'))).toBe(2);
      expect(await t.store().headPosition()).toBeGreaterThanOrEqual(result.position);
      expect(result.position).toBeGreaterThan(t.head0());
    });
  });

}
