import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError, type EventMetadata } from '../../../src/events/index.ts';
import type { ContractContext } from './context.ts';
import { ev, meta } from './support.ts';

/** What goes in comes out (metadata, JSON data) and closing. */
export function roundTripContract(t: ContractContext): void {
  const { stream } = t;
  describe('round trips', () => {
    it('keeps metadata, with and without optional fields', async () => {
      const full: EventMetadata = { actor: 'alice', reason: 'nightly refresh', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2024-02-29T23:59:59.999Z' };
      await t.store().appendToStream(stream('m'), [ev('Full', {}, { metadata: full }), ev('Bare', {}, { metadata: meta() })]);
      const [a, b] = await t.store().readStream(stream('m'));
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
      await t.store().appendToStream(stream('j'), [ev('Data', data, { schemaVersion: 3 }), ev('Null', null), ev('Array', [1, 'two'])]);
      const events = await t.store().readStream(stream('j'));
      expect(events[0]!.data).toStrictEqual(JSON.parse(JSON.stringify(data)));
      expect(events[0]!.schemaVersion).toBe(3);
      expect(events[1]!.data).toBeNull();
      expect(events[2]!.data).toEqual([1, 'two']);
      expect(JSON.parse(JSON.stringify(events[0]))).toEqual(events[0]);
    });

    it('is not affected by changing the appended object afterwards', async () => {
      const data = { list: [1, 2] };
      await t.store().appendToStream(stream('mut'), [ev('A', data)]);
      data.list.push(3);
      const [first] = await t.store().readStream(stream('mut'));
      (first!.data as { list: number[] }).list.push(4);
      expect((await t.store().readStream(stream('mut')))[0]!.data).toEqual({ list: [1, 2] });
    });
  });

  describe('closing', () => {
    it('close is idempotent and later calls fail with StoreUnavailableError', async () => {
      await t.store().appendToStream(stream('c'), [ev('A')]);
      await t.store().close();
      await t.store().close();
      await expect(t.store().appendToStream(stream('c'), [ev('B')])).rejects.toThrow(StoreUnavailableError);
      await expect(t.store().readStream(stream('c'))).rejects.toThrow(StoreUnavailableError);
    });
  });
}
