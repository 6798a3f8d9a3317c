import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryEventStore } from '../../src/events/index.ts';
import type { MisfirePolicy } from '../../src/workflows/index.ts';
import { occurrencesFromEvents } from '../../src/projections/index.ts';
import { advanceTo, harness } from '../support/engine-harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs a 15-minute workflow from 10:00, stops the engine at 10:20, restarts at 13:05 (a long outage). */
async function outage(policy: MisfirePolicy, catchUpWindowMs = 86_400_000) {
  vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
  const store = createMemoryEventStore();
  const first = harness(store, 'engine-a');
  await first.engine.start();
  const id = await first.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC', misfirePolicy: policy, catchUpWindowMs });
  await advanceTo('2026-03-02T10:20:00.000Z');
  await first.engine.stop();
  await advanceTo('2026-03-02T13:05:00.000Z');
  const second = harness(store, 'engine-b');
  await second.engine.start();
  await advanceTo('2026-03-02T13:05:10.000Z');
  await second.engine.stop();
  const ledger = occurrencesFromEvents(await store.readStream(`workflow-${id}`), { from: 0, to: Date.parse('2026-03-02T13:05:00Z'), limit: 100 });
  return { before: first.fires, after: second.fires.map((f) => f.scheduleTime), ledger };
}

const at = (hhmm: string) => `2026-03-02T${hhmm}:00.000Z`;
const outcomes = (ledger: { nominalTime: string; outcome: string; reason: string | null }[]) =>
  ledger.map((o) => `${o.nominalTime.slice(11, 16)} ${o.outcome}${o.reason ? ` (${o.reason})` : ''}`);

describe('restart after a long outage', () => {
  it('fire-all replays every missed time with its own schedule time (Quartz IGNORE_MISFIRE, Flink’s policy)', async () => {
    const r = await outage('fire-all');
    expect(r.before.map((f) => f.scheduleTime)).toEqual([at('10:15')]);
    expect(r.after).toEqual(['10:30', '10:45', '11:00', '11:15', '11:30', '11:45', '12:00', '12:15', '12:30', '12:45', '13:00'].map(at));
    expect(r.ledger.every((o) => o.outcome === 'fired')).toBe(true);
  });

  it('fire-all stays inside the catch-up window; older times are recorded as missed', async () => {
    const r = await outage('fire-all', 3_600_000);
    expect(r.after).toEqual(['12:15', '12:30', '12:45', '13:00'].map(at));
    expect(outcomes(r.ledger).slice(0, 8)).toEqual([
      '10:15 fired',
      ...['10:30', '10:45', '11:00', '11:15', '11:30', '11:45', '12:00'].map((t) => `${t} skipped (outside-catch-up-window)`),
    ]);
  });

  it('fire-once-now fires the latest missed time once and coalesces the rest (Quartz SMART)', async () => {
    const r = await outage('fire-once-now');
    expect(r.after).toEqual([at('13:00')]);
    expect(outcomes(r.ledger)).toContain('12:45 skipped (coalesced)');
  });

  it('skip fires nothing and records every missed time (Quartz DO_NOTHING)', async () => {
    const r = await outage('skip');
    expect(r.after).toEqual([]);
    expect(outcomes(r.ledger)).toEqual(['10:15 fired', ...['10:30', '10:45', '11:00', '11:15', '11:30', '11:45', '12:00', '12:15', '12:30', '12:45', '13:00'].map((t) => `${t} skipped (misfire-skip)`)]);
  });

  it('the schedule goes on after catching up', async () => {
    vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
    const store = createMemoryEventStore();
    const h = harness(store);
    await h.engine.start();
    await h.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC', misfirePolicy: 'skip' });
    await h.engine.stop();
    await advanceTo('2026-03-02T12:05:00.000Z');
    const again = harness(store, 'engine-b');
    await again.engine.start();
    await advanceTo('2026-03-02T12:31:00.000Z');
    expect(again.fires.map((f) => f.scheduleTime)).toEqual([at('12:15'), at('12:30')]);
    await again.engine.stop();
  });
});

describe('two engines sharing one store', () => {
  it('never both fire the same nominal time', async () => {
    vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
    const store = createMemoryEventStore();
    const a = harness(store, 'engine-a');
    const b = harness(store, 'engine-b');
    await a.engine.start();
    await b.engine.start();
    await a.create({ cronExpression: '0/10 * * * * ? *', timeZone: 'UTC' });
    await advanceTo('2026-03-02T10:05:00.500Z');
    const all = [...a.fires, ...b.fires].map((f) => f.scheduleTime).sort();
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
    await a.engine.stop();
    await b.engine.stop();
  });

  it('a claim left by a dead engine is taken over once its misfire threshold passes', async () => {
    vi.setSystemTime(new Date('2026-03-02T10:14:00.000Z'));
    const store = createMemoryEventStore();
    const dead = harness(store, 'engine-dead');
    await dead.engine.start();
    const id = await dead.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC' });
    await advanceTo('2026-03-02T10:14:59.900Z'); // claimed 10:15 ...
    await dead.engine.stop(); // ... and died before firing it
    expect(dead.fires).toEqual([]);
    const heir = harness(store, 'engine-heir');
    await heir.engine.start();
    await advanceTo('2026-03-02T10:16:30.000Z');
    expect(heir.fires.map((f) => f.scheduleTime)).toEqual([at('10:15')]);
    const ledger = occurrencesFromEvents(await store.readStream(`workflow-${id}`), { from: 0, to: Date.now(), limit: 10 });
    expect(outcomes(ledger)).toEqual(['10:15 fired']);
    await heir.engine.stop();
  });
});
