import { describe, expect, it } from 'vitest';
import { createMemoryEventStore, readPages } from '../../src/events/index.ts';

const meta = { actor: 't', correlationId: 'c', occurredAt: '2026-01-01T00:00:00.000Z' };

describe('readPages', () => {
  it('reads the whole filtered log in order, a page at a time, ending on a short page', async () => {
    const store = createMemoryEventStore();
    for (let i = 0; i < 25; i++) {
      await store.appendToStream(i % 2 === 0 ? `a-${i}` : `b-${i}`, [{ type: 'E', schemaVersion: 1, data: { i }, metadata: meta }]);
    }
    const pages: number[][] = [];
    for await (const page of readPages(store, { pageSize: 4, filter: { streamPrefix: 'a-' } })) pages.push(page.map((e) => (e.data as { i: number }).i));
    expect(pages.map((p) => p.length)).toEqual([4, 4, 4, 1]);
    expect(pages.flat()).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
  });

  it('starts after the given position and yields nothing past the head', async () => {
    const store = createMemoryEventStore();
    for (let i = 0; i < 8; i++) await store.appendToStream(`s-${i}`, [{ type: 'E', schemaVersion: 1, data: { i }, metadata: meta }]);
    const seen: number[] = [];
    for await (const page of readPages(store, { after: 4, pageSize: 2 })) seen.push(...page.map((e) => e.position));
    expect(seen).toEqual([5, 6, 7, 8]);
    const none: unknown[] = [];
    for await (const page of readPages(store, { after: 8 })) none.push(page);
    expect(none).toEqual([]);
  });
});
