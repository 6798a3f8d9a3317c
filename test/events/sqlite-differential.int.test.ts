import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryEventStore, createSqliteEventStore, type EventStore, type ExpectedVersion, type NewEvent, type RecordedEvent } from '../../src/events/index.ts';
import { ev } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'freshet-sqlite-differential-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

interface Append {
  stream: string;
  expected: ExpectedVersion;
  events: NewEvent[];
}

/** An append, or a retry of an earlier one (same events, same ids, same expectation). */
const appendArb = fc.record({
  stream: fc.constantFrom('s-a', 's-b', 's-ab'),
  expected: fc.oneof(fc.constantFrom<ExpectedVersion>('any', 'no_stream', 'stream_exists'), fc.integer({ min: 0, max: 6 })),
  events: fc.array(fc.record({ type: fc.constantFrom('A', 'B'), id: fc.option(fc.uuid({ version: 4 }), { nil: undefined }) }), { maxLength: 3 }),
  retryOf: fc.option(fc.nat(), { nil: undefined }),
});
const turnsArb = fc.array(fc.array(appendArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 });
const readsArb = fc.array(
  fc.record({
    stream: fc.constantFrom('s-a', 's-b', 's-ab', 's-none'),
    direction: fc.constantFrom<'forwards' | 'backwards'>('forwards', 'backwards'),
    fromVersion: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
    maxCount: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
  }),
  { maxLength: 6 },
);

type Outcome = { ok: unknown } | { error: unknown };
const settle = (promise: Promise<unknown>): Promise<Outcome> =>
  promise.then(
    (ok) => ({ ok }),
    (error: unknown) => ({ error }),
  );
const comparable = (events: RecordedEvent[]): unknown[] => events.map(({ recordedAt: _at, id: _id, ...rest }) => rest);

describe('sqlite event store: same outcomes as the memory store', () => {
  it('for generated histories of appends, conflicts and retries issued several per turn, and stream reads after them', async () => {
    await fc.assert(
      // The SQLite store merges its stream index every few events here (not every 20,000), so stream reads and
      // retries meet entries on both of its levels.
      fc.asyncProperty(turnsArb, readsArb, fc.integer({ min: 1, max: 8 }), async (turns, reads, indexMergeEvery) => {
        const sqlite = createSqliteEventStore({ path: join(dir, `diff-${(files += 1)}.db`), durability: 'relaxed', indexMergeEvery });
        const memory = createMemoryEventStore();
        const issued: Append[] = [];
        try {
          for (const turn of turns) {
            const appends = turn.map((spec): Append => {
              const earlier = spec.retryOf === undefined || issued.length === 0 ? undefined : issued[spec.retryOf % issued.length];
              const append = earlier ?? {
                stream: spec.stream,
                expected: spec.expected,
                events: spec.events.map((event, index) => ev(event.type, { index }, event.id === undefined ? {} : { id: event.id })),
              };
              issued.push(append);
              return append;
            });
            const run = (store: EventStore): Promise<Outcome[]> =>
              Promise.all(appends.map((append) => settle(store.appendToStream(append.stream, append.events, { expectedVersion: append.expected }))));
            // Issued together, so the SQLite store writes each turn as one group commit.
            const [fromSqlite, fromMemory] = await Promise.all([run(sqlite), run(memory)]);
            expect(fromSqlite).toEqual(fromMemory);
          }
          expect(comparable(await sqlite.readAll())).toEqual(comparable(await memory.readAll()));
          for (const { stream, ...options } of reads) {
            const [fromSqlite, fromMemory] = await Promise.all([sqlite, memory].map((store) => settle(store.readStream(stream, options).then(comparable))));
            expect(fromSqlite).toEqual(fromMemory);
          }
        } finally {
          await sqlite.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
