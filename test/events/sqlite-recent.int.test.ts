import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore, type RecordedEvent } from '../../src/events/index.ts';
import { ev } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'freshet-sqlite-recent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const summary = (events: RecordedEvent[]) => events.map((e) => [e.position, e.streamName, e.version, e.id, e.type, e.data, e.metadata, e.recordedAt]);

/**
 * A store serves its own subscriptions the rows it has just committed from memory (RecentLog). Where another
 * store on the same file committed in between, or a retry inserted nothing, those reads must still be exactly
 * the log: here two stores append in generated interleavings (batches of concurrent appends, retries, empty
 * appends, filtered subscriptions) and every subscription must equal a fresh read of the file.
 */
describe('sqlite event store: subscriptions fed from the rows this process just committed', () => {
  it('deliver exactly the log, whoever wrote it', async () => {
    const step = fc.record({
      by: fc.constantFrom(0, 1),
      appends: fc.array(fc.record({ stream: fc.constantFrom('wf-a', 'wf-b', 'other-c'), count: fc.integer({ min: 0, max: 3 }), retry: fc.boolean() }), { minLength: 1, maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), fc.constantFrom('thread', 'inline') as fc.Arbitrary<'thread' | 'inline'>, async (steps, writer) => {
        const path = join(dir, `store-${(files += 1)}.db`);
        // Both merge their stream index every 2 positions: each process moves entries the other wrote.
        const open = () => createSqliteEventStore({ path, writer, pollIntervalMs: 5, indexMergeEvery: 2 });
        const stores = [open(), open()];
        const seen: RecordedEvent[][] = [[], [], []];
        const subs = [
          stores[0]!.subscribe().subscribe((e) => seen[0]!.push(e)),
          stores[1]!.subscribe().subscribe((e) => seen[1]!.push(e)),
          stores[0]!.subscribe({ filter: { streamPrefix: 'wf-' } }).subscribe((e) => seen[2]!.push(e)),
        ];
        try {
          for (const { by, appends } of steps) {
            const store = stores[by]!;
            // Issued together: one group commit. A retry re-sends the same ids, so it inserts nothing.
            await Promise.allSettled(
              appends.map(async ({ stream, count, retry }) => {
                const events = Array.from({ length: count }, (_, i) => ({ ...ev(`E${i}`), id: crypto.randomUUID() }));
                await store.appendToStream(stream, events);
                if (retry && count > 0) await store.appendToStream(stream, events);
              }),
            );
          }
          const head = await stores[0]!.headPosition();
          const log = await stores[1]!.readAll();
          const wf = log.filter((e) => e.streamName.startsWith('wf-'));
          // The other store's appends arrive by polling.
          await expect.poll(() => [seen[0]!.length, seen[1]!.length, seen[2]!.length], { interval: 5, timeout: 5_000 }).toEqual([log.length, log.length, wf.length]);
          expect(summary(seen[0]!)).toEqual(summary(log));
          expect(summary(seen[1]!)).toEqual(summary(log));
          expect(summary(seen[2]!)).toEqual(summary(wf));
          expect(log.at(-1)?.position ?? 0).toBe(head);
          for (const stream of new Set(log.map((e) => e.streamName))) {
            const own = summary(log.filter((e) => e.streamName === stream));
            for (const store of stores) expect(summary(await store.readStream(stream))).toEqual(own);
          }
        } finally {
          for (const sub of subs) sub.unsubscribe();
          await Promise.all(stores.map((s) => s.close()));
        }
      }),
      { numRuns: 25 },
    );
  });
});
