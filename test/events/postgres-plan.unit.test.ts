import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { planBatch, type ReadSlice, type StreamHead } from '../../src/events/adapters/postgres/plan.ts';
import { prepareAppend, type ExpectedVersion, type NewEvent } from '../../src/events/index.ts';
import { ev } from './contract.ts';

/** Given the streams as stored and the log's head, when a batch is planned, then each append's outcome in order. */
const HEAD = 100;
const given = (streams: Record<string, StreamHead>, slices: Record<string, { id: string; position: number }[]> = {}) => {
  const reads: [string, number, number][] = [];
  const readSlice: ReadSlice = async (stream, from, to) => {
    reads.push([stream, from, to]);
    return (slices[stream] ?? []).slice(from - 1, to);
  };
  return {
    reads,
    when: (...appends: [string, NewEvent[], ExpectedVersion?][]) =>
      planBatch(
        appends.map(([stream, events, expectedVersion]) => prepareAppend(stream, events, expectedVersion === undefined ? {} : { expectedVersion })),
        new Map(Object.entries(streams)),
        HEAD,
        readSlice,
      ),
  };
};
const withId = (type: string): NewEvent => ev(type, {}, { id: randomUUID() });

describe('planning a PostgreSQL commit batch', () => {
  it('appends to one stream in one batch behave as one after another, with positions following the head', async () => {
    const plan = await given({ a: { version: 2, position: 90 } }).when(['a', [ev('X')], 2], ['a', [ev('Y'), ev('Z')], 3], ['b', [ev('N')], 'no_stream']);
    expect(plan.outcomes).toEqual([
      { written: { nextExpectedVersion: 3, position: 101 }, first: 101 },
      { written: { nextExpectedVersion: 5, position: 103 }, first: 102 },
      { written: { nextExpectedVersion: 1, position: 104 }, first: 104 },
    ]);
    expect(plan.columns.streams).toEqual(['a', 'a', 'a', 'b']);
    expect(plan.columns.versions).toEqual([3, 4, 5, 1]);
    expect(plan.columns.types).toEqual(['X', 'Y', 'Z', 'N']);
    expect(plan.head).toBe(104);
  });

  it('a refused append writes nothing and leaves no gap for the appends after it', async () => {
    const plan = await given({ a: { version: 2, position: 90 } }).when(['a', [ev('X')], 'no_stream'], ['a', [ev('Y')], 1], ['c', [ev('Z')], 0]);
    expect(plan.outcomes).toEqual([{ conflict: 2 }, { conflict: 2 }, { written: { nextExpectedVersion: 1, position: 101 }, first: 101 }]);
    expect(plan.columns.types).toEqual(['Z']);
    expect(plan.head).toBe(101);
  });

  it('an empty append checks the expectation and answers the stream as it stands', async () => {
    const plan = await given({ a: { version: 2, position: 90 } }).when(['a', [], 2], ['a', [], 0], ['missing', [], 'no_stream']);
    expect(plan.outcomes).toEqual([
      { written: { nextExpectedVersion: 2, position: 90 }, first: 0 },
      { conflict: 2 },
      { written: { nextExpectedVersion: 0, position: 0 }, first: 0 },
    ]);
    expect(plan.head).toBe(HEAD);
  });

  it('a retry of an append earlier in the same batch answers its result without reading the database', async () => {
    const events = [withId('A'), withId('B')];
    const scene = given({});
    const plan = await scene.when(['r', events, 'no_stream'], ['r', events, 'no_stream']);
    expect(plan.outcomes).toEqual([
      { written: { nextExpectedVersion: 2, position: 102 }, first: 101 },
      { written: { nextExpectedVersion: 2, position: 102 }, first: 0 },
    ]);
    expect(plan.columns.types).toEqual(['A', 'B']);
    expect(scene.reads).toEqual([]);
  });

  it('a retry whose events lie partly stored and partly in the batch reads only the stored part', async () => {
    const stored = withId('A');
    const scene = given({ r: { version: 1, position: 50 } }, { r: [{ id: stored.id!, position: 50 }] });
    const second = withId('B');
    const plan = await scene.when(['r', [second], 1], ['r', [stored, second], 0]);
    expect(plan.outcomes[1]).toEqual({ written: { nextExpectedVersion: 2, position: 101 }, first: 0 });
    expect(scene.reads).toEqual([['r', 1, 1]]);
  });

  it('the same ids at a taken version but not where the append would have gone are a conflict', async () => {
    const a = withId('A');
    const plan = await given({ r: { version: 1, position: 50 } }, { r: [{ id: randomUUID(), position: 50 }] }).when(['r', [a], 0]);
    expect(plan.outcomes).toEqual([{ conflict: 1 }]);
  });
});
