import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../src/engine/index.ts';
import { advanceTo, harness } from '../support/engine-harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Every lifecycle event with the virtual instant it was told at. */
function listen(h: ReturnType<typeof harness>) {
  const heard: { at: string; type: EngineEvent['type']; nominal?: string }[] = [];
  h.engine.lifecycle.subscribe((e) => {
    const nominal = 'nominalTime' in e ? new Date(e.nominalTime).toISOString() : undefined;
    heard.push({ at: new Date(Date.now()).toISOString(), type: e.type, ...(nominal ? { nominal } : {}) });
  });
  return heard;
}

describe('engine lifecycle events', () => {
  it('a scheduled fire is told as claimed (before its time), fired (at it), then recorded', async () => {
    vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
    const h = harness();
    const heard = listen(h);
    await h.engine.start();
    await h.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC' });
    await advanceTo('2026-03-02T10:15:01.000Z');
    const nominal = '2026-03-02T10:15:00.000Z';
    expect(heard.filter((e) => e.nominal === nominal)).toEqual([
      { at: '2026-03-02T10:14:59.750Z', type: 'claimed', nominal },
      { at: nominal, type: 'fired', nominal },
      { at: nominal, type: 'recorded', nominal },
    ]);
    expect(heard.filter((e) => e.type === 'late')).toEqual([]);
    await h.engine.stop();
  });

  it('a restart after missed times is told as late, then the catch-up claims fire', async () => {
    vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
    const first = harness();
    await first.engine.start();
    const id = await first.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC' });
    await first.engine.stop();
    await advanceTo('2026-03-02T11:00:30.000Z');
    const second = harness(first.store);
    const heard = listen(second);
    await second.engine.start();
    await advanceTo('2026-03-02T11:00:31.000Z');
    expect(heard[0]).toEqual({ at: '2026-03-02T11:00:30.000Z', type: 'late' });
    const fired = heard.filter((e) => e.type === 'fired').map((e) => e.nominal);
    expect(fired).toEqual(['2026-03-02T10:15:00.000Z', '2026-03-02T10:30:00.000Z', '2026-03-02T10:45:00.000Z', '2026-03-02T11:00:00.000Z']);
    expect(second.engine.workflow(id)?.lastFiredNominal).toBe(Date.parse('2026-03-02T11:00:00.000Z'));
    await second.engine.stop();
  });

  it('each engine tells only its own claims, fires and outcomes', async () => {
    vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
    const a = harness(undefined, 'engine-a');
    const b = harness(a.store, 'engine-b');
    const heard = { a: listen(a), b: listen(b) };
    await a.engine.start();
    await b.engine.start();
    await a.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC' });
    await advanceTo('2026-03-02T10:15:01.000Z');
    const told = (list: typeof heard.a) => list.map((e) => e.type);
    // One engine won the claim of 10:15 (the store's expected version saw to it); the other tells nothing of it.
    const [winner, loser] = a.fires.length === 1 ? [heard.a, heard.b] : [heard.b, heard.a];
    expect(a.fires.length + b.fires.length).toBe(1);
    expect(told(winner)).toEqual(['claimed', 'fired', 'recorded']);
    expect(told(loser)).toEqual([]);
    await a.engine.stop();
    await b.engine.stop();
  });
});
