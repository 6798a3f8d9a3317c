import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.ts';
import { ev } from './support.ts';

/** Concurrent appends: one winner per expected version, no lost or doubled events. */
export function concurrencyContract(t: ContractContext): void {
  const { stream } = t;
  describe('concurrency', () => {
    it('exactly one of several appends with the same expected version wins', async () => {
      await t.store().appendToStream(stream('race'), [ev('Start')]);
      const contenders = 8;
      const outcomes = await Promise.allSettled(
        Array.from({ length: contenders }, (_, index) =>
          t.store().appendToStream(stream('race'), [ev('Won', { index }), ev('Won', { index })], { expectedVersion: 1 }),
        ),
      );
      const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [index] : []));
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ name: 'VersionConflictError', expected: 1, actual: 3 });
      }
      const data = (await t.store().readStream(stream('race'), { fromVersion: 2 })).map((event) => event.data);
      expect(data).toEqual([{ index: winners[0] }, { index: winners[0] }]);
    });

    it("concurrent 'any' appends to one stream all land, each with its own version", async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, index) => t.store().appendToStream(stream('many'), [ev('N', { index })])));
      expect(results.map((result) => result.nextExpectedVersion).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
      expect(await t.store().streamVersion(stream('many'))).toBe(20);
    });

    it('concurrent appends to different streams all succeed', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) => t.store().appendToStream(stream(`par-${index}`), [ev('N')], { expectedVersion: 'no_stream' })),
      );
      expect(results.every((result) => result.nextExpectedVersion === 1)).toBe(true);
      expect(new Set(results.map((result) => result.position)).size).toBe(20);
    });
  });

}
