import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryEventStore } from '../../src/events/index.ts';
import { occurrencesFromEvents } from '../../src/projections/index.ts';
import { advanceTo, harness } from '../support/engine-harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('an engine restarted with the same identity (same data directory)', () => {
  it('fires its own claim left by the stop at once, instead of waiting out the misfire threshold', async () => {
    vi.setSystemTime(new Date('2026-03-02T10:14:00.000Z'));
    const store = createMemoryEventStore();
    const before = harness(store, 'engine-of-data-dir');
    await before.engine.start();
    const id = await before.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC' });
    await advanceTo('2026-03-02T10:14:59.900Z'); // 10:15 is claimed ...
    await before.engine.stop(); // ... and the process stops before its time
    const after = harness(store, 'engine-of-data-dir');
    await after.engine.start();
    await advanceTo('2026-03-02T10:15:00.100Z');
    expect(after.fires.map((f) => [f.scheduleTime, f.invokedAt])).toEqual([['2026-03-02T10:15:00.000Z', '2026-03-02T10:15:00.000Z']]);
    const ledger = occurrencesFromEvents(await store.readStream(`workflow-${id}`), { from: 0, to: Date.now(), limit: 10 });
    expect(ledger.map((o) => o.outcome)).toEqual(['fired']);
    await after.engine.stop();
  });
});
