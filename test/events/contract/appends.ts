import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EventStoreArgumentError, VersionConflictError } from '../../../src/events/index.ts';
import type { ContractContext } from './context.ts';
import { ev, expectIncreasing } from './support.ts';

/** Expected versions, atomic appends, empty appends, malformed input and idempotent retries. */
export function appendContract(t: ContractContext): void {
  const { stream, mine } = t;
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
      const first = await t.store().appendToStream(stream('a'), [ev('Opened')], { expectedVersion: 'no_stream' });
      expect(first.nextExpectedVersion).toBe(1);
      expect(first.position).toBeGreaterThan(t.head0());
      const error = await conflict(t.store().appendToStream(stream('a'), [ev('Opened')], { expectedVersion: 'no_stream' }));
      expect(error).toMatchObject({ streamName: stream('a'), expected: 'no_stream', actual: 1 });
    });

    it("'stream_exists' is refused for a missing stream and accepted for an existing one", async () => {
      const error = await conflict(t.store().appendToStream(stream('b'), [ev('Noted')], { expectedVersion: 'stream_exists' }));
      expect(error).toMatchObject({ streamName: stream('b'), expected: 'stream_exists', actual: 0 });
      await t.store().appendToStream(stream('b'), [ev('Opened')]);
      const result = await t.store().appendToStream(stream('b'), [ev('Noted')], { expectedVersion: 'stream_exists' });
      expect(result.nextExpectedVersion).toBe(2);
    });

    it('a number must equal the count of events in the stream (0 for a missing stream)', async () => {
      const first = await t.store().appendToStream(stream('c'), [ev('A'), ev('B')], { expectedVersion: 0 });
      expect(first.nextExpectedVersion).toBe(2);
      const second = await t.store().appendToStream(stream('c'), [ev('C')], { expectedVersion: 2 });
      expect(second.nextExpectedVersion).toBe(3);
      expect(second.position).toBeGreaterThan(first.position);
    });

    it('a stale or future number is refused with the expected and actual versions', async () => {
      await t.store().appendToStream(stream('d'), [ev('A'), ev('B'), ev('C')]);
      expect(await conflict(t.store().appendToStream(stream('d'), [ev('X')], { expectedVersion: 2 }))).toMatchObject({ expected: 2, actual: 3 });
      expect(await conflict(t.store().appendToStream(stream('d'), [ev('X')], { expectedVersion: 7 }))).toMatchObject({ expected: 7, actual: 3 });
      expect(await conflict(t.store().appendToStream(stream('missing'), [ev('X')], { expectedVersion: 1 }))).toMatchObject({ expected: 1, actual: 0 });
    });

    it("'any' (also the default) appends whatever the stream's state", async () => {
      expect((await t.store().appendToStream(stream('e'), [ev('A')], { expectedVersion: 'any' })).nextExpectedVersion).toBe(1);
      expect((await t.store().appendToStream(stream('e'), [ev('B')], { expectedVersion: 'any' })).nextExpectedVersion).toBe(2);
      expect((await t.store().appendToStream(stream('e'), [ev('C')])).nextExpectedVersion).toBe(3);
    });

    it('a refused append writes nothing', async () => {
      await t.store().appendToStream(stream('f'), [ev('A')]);
      const head = await t.store().headPosition();
      await conflict(t.store().appendToStream(stream('f'), [ev('X'), ev('Y')], { expectedVersion: 0 }));
      expect((await t.store().readStream(stream('f'))).map((event) => event.type)).toEqual(['A']);
      expect(await t.store().streamVersion(stream('f'))).toBe(1);
      expect(mine(await t.store().readAll({ after: head }))).toEqual([]);
    });
  });

  describe('appending', () => {
    it('appends several events atomically with consecutive versions and increasing positions', async () => {
      const result = await t.store().appendToStream(stream('multi'), [ev('A'), ev('B'), ev('C')], { expectedVersion: 'no_stream' });
      const events = await t.store().readStream(stream('multi'));
      expect(events.map((event) => [event.type, event.version])).toEqual([['A', 1], ['B', 2], ['C', 3]]);
      expectIncreasing(events.map((event) => event.position));
      expect(result).toEqual({ nextExpectedVersion: 3, position: events[2]!.position });
    });

    it('keeps given ids and generates UUIDs for the others', async () => {
      const id = randomUUID();
      await t.store().appendToStream(stream('ids'), [ev('A', {}, { id }), ev('B')]);
      const [a, b] = await t.store().readStream(stream('ids'));
      expect(a!.id).toBe(id);
      expect(b!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
      expect(b!.id).not.toBe(id);
    });

    it('an empty append checks the expected version and appends nothing', async () => {
      expect((await t.store().appendToStream(stream('empty'), [], { expectedVersion: 'no_stream' })).nextExpectedVersion).toBe(0);
      expect(await t.store().streamExists(stream('empty'))).toBe(false);
      await t.store().appendToStream(stream('empty'), [ev('A')]);
      expect((await t.store().appendToStream(stream('empty'), [], { expectedVersion: 1 })).nextExpectedVersion).toBe(1);
      expect(await conflict(t.store().appendToStream(stream('empty'), [], { expectedVersion: 0 }))).toMatchObject({ expected: 0, actual: 1 });
      expect(await t.store().streamVersion(stream('empty'))).toBe(1);
    });

    it('rejects malformed input with a typed error that names the problem', async () => {
      await expect(t.store().appendToStream('', [ev('A')])).rejects.toThrow(EventStoreArgumentError);
      await expect(t.store().appendToStream(stream('bad'), [ev('A')], { expectedVersion: -1 })).rejects.toThrow(/expectedVersion/);
      await expect(t.store().appendToStream(stream('bad'), [ev('A')], { expectedVersion: 1.5 })).rejects.toThrow(EventStoreArgumentError);
      await expect(t.store().appendToStream(stream('bad'), [ev('')])).rejects.toThrow(/type/);
      await expect(t.store().appendToStream(stream('bad'), [ev('A', {}, { id: 'not-a-uuid' })])).rejects.toThrow(/id/);
      await expect(t.store().appendToStream(stream('bad'), [ev('A', 1n)])).rejects.toThrow(/JSON/);
      await expect(t.store().readStream(stream('bad'), { maxCount: 0 })).rejects.toThrow(/maxCount/);
      expect(await t.store().streamExists(stream('bad'))).toBe(false);
    });
  });

  describe('idempotent retries', () => {
    it('repeating an append with the same ids and expected version answers the first result', async () => {
      const events = [ev('A', {}, { id: randomUUID() }), ev('B', {}, { id: randomUUID() })];
      const first = await t.store().appendToStream(stream('retry'), events, { expectedVersion: 'no_stream' });
      expect(await t.store().appendToStream(stream('retry'), events, { expectedVersion: 'no_stream' })).toEqual(first);
      expect(await t.store().appendToStream(stream('retry'), events, { expectedVersion: 0 })).toEqual(first);
      expect(await t.store().streamVersion(stream('retry'))).toBe(2);
    });

    it('a retry still answers the first result after the stream moved on', async () => {
      const events = [ev('A', {}, { id: randomUUID() })];
      const first = await t.store().appendToStream(stream('moved'), events, { expectedVersion: 0 });
      await t.store().appendToStream(stream('moved'), [ev('B')], { expectedVersion: 1 });
      expect(await t.store().appendToStream(stream('moved'), events, { expectedVersion: 0 })).toEqual(first);
      expect(await t.store().streamVersion(stream('moved'))).toBe(2);
    });

    it("with 'any', a retry of the stream's tail is a no-op", async () => {
      const events = [ev('A', {}, { id: randomUUID() })];
      await t.store().appendToStream(stream('anyretry'), [ev('Z')]);
      const first = await t.store().appendToStream(stream('anyretry'), events);
      expect(await t.store().appendToStream(stream('anyretry'), events)).toEqual(first);
      expect(await t.store().streamVersion(stream('anyretry'))).toBe(2);
    });

    it('different ids, or only some of the same ids, at a taken version are a conflict', async () => {
      const a = ev('A', {}, { id: randomUUID() });
      await t.store().appendToStream(stream('notretry'), [a, ev('B', {}, { id: randomUUID() })], { expectedVersion: 'no_stream' });
      await conflict(t.store().appendToStream(stream('notretry'), [ev('A', {}, { id: randomUUID() })], { expectedVersion: 'no_stream' }));
      await conflict(t.store().appendToStream(stream('notretry'), [a, ev('C', {}, { id: randomUUID() })], { expectedVersion: 0 }));
      expect(await t.store().streamVersion(stream('notretry'))).toBe(2);
    });
  });

}
