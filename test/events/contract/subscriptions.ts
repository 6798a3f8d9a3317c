import { tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/events/index.ts';
import type { ContractContext } from './context.ts';
import { collect, ev, expectIncreasing, waitFor } from './support.ts';

/** Catch-up then live subscriptions: filters, unsubscribe, no gap or duplicate during catch-up. */
export function subscriptionContract(t: ContractContext): void {
  const { stream } = t;
  describe('subscriptions', () => {
    it('catches up from a position, then delivers live events', async () => {
      await t.store().appendToStream(stream('sub'), [ev('A'), ev('B')]);
      const firstTwo = await t.store().readAll({ after: t.head0(), filter: { streamPrefix: t.ns() } });
      const received = collect(t.store().subscribe({ after: firstTwo[0]!.position, filter: { streamPrefix: t.ns() } }), 2);
      await t.store().appendToStream(stream('sub'), [ev('C')]);
      expect((await received).map((event) => event.type)).toEqual(['B', 'C']);
    });

    it('applies the filter to catch-up and live events alike', async () => {
      await t.store().appendToStream(stream('p-1'), [ev('Made'), ev('Noted')]);
      await t.store().appendToStream(stream('q-1'), [ev('Made')]);
      const received = collect(t.store().subscribe({ after: t.head0(), filter: { streamPrefix: stream('p-'), eventTypes: ['Made'] } }), 2);
      await t.store().appendToStream(stream('q-1'), [ev('Made')]);
      await t.store().appendToStream(stream('p-2'), [ev('Noted'), ev('Made', { live: true })]);
      const events = await received;
      expect(events.map((event) => [event.streamName, event.type])).toEqual([[stream('p-1'), 'Made'], [stream('p-2'), 'Made']]);
      expect(events[1]!.data).toEqual({ live: true });
    });

    it('delivers only live events when subscribed from the head', async () => {
      await t.store().appendToStream(stream('old'), [ev('Old')]);
      const received = collect(t.store().subscribe({ after: await t.store().headPosition(), filter: { streamPrefix: t.ns() } }), 1);
      await t.store().appendToStream(stream('new'), [ev('New')]);
      expect((await received).map((event) => event.type)).toEqual(['New']);
    });

    it('stops delivering after unsubscribe, while other subscribers go on', async () => {
      const seenByFirst: RecordedEvent[] = [];
      const filter = { streamPrefix: t.ns() };
      const first = t.store().subscribe({ after: t.head0(), filter }).subscribe((event) => seenByFirst.push(event));
      const second = collect(t.store().subscribe({ after: t.head0(), filter }), 3);
      await t.store().appendToStream(stream('u'), [ev('A')]);
      await waitFor(() => seenByFirst.length === 1);
      first.unsubscribe();
      await t.store().appendToStream(stream('u'), [ev('B')]);
      await t.store().appendToStream(stream('u'), [ev('C')]);
      expect((await second).map((event) => event.type)).toEqual(['A', 'B', 'C']);
      expect(seenByFirst.map((event) => event.type)).toEqual(['A']);
    });

    it('has no gap and no duplicate when events are appended during catch-up', async () => {
      const batches = 6;
      for (let batch = 0; batch < batches; batch += 1) {
        await t.store().appendToStream(stream('busy'), Array.from({ length: 50 }, () => ev('Before')));
      }
      const live = 150;
      let started = false;
      const pending: Promise<unknown>[] = [];
      const received = collect(
        t.store().subscribe({ after: t.head0(), filter: { streamPrefix: t.ns() } }).pipe(
          tap(() => {
            if (started) return;
            started = true;
            for (let index = 0; index < live; index += 1) pending.push(t.store().appendToStream(stream('busy'), [ev('During')]));
          }),
        ),
        batches * 50 + live,
      );
      const events = await received;
      await Promise.all(pending);
      expect(events.map((event) => event.version)).toEqual(Array.from({ length: batches * 50 + live }, (_, index) => index + 1));
      expectIncreasing(events.map((event) => event.position));
      const stored = await t.store().readStream(stream('busy'));
      expect(events.map((event) => event.id)).toEqual(stored.map((event) => event.id));
    });

    it('delivers nothing that its filter excludes', async () => {
      const received = collect(t.store().subscribe({ after: t.head0(), filter: { eventTypes: [`${t.ns()}Only`] } }), 1);
      await t.store().appendToStream(stream('other'), [ev('Other')]);
      await t.store().appendToStream(stream('only'), [ev(`${t.ns()}Only`)]);
      expect((await received).map((event) => event.streamName)).toEqual([stream('only')]);
    });
  });

}
