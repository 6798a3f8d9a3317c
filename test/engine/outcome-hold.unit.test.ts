import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock/index.ts';
import { type FireOutcome, OutcomeHold } from '../../src/engine/outcome-hold.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

const outcome = (id: string): FireOutcome => ({ id, t: Date.now(), firedAt: Date.now(), manual: false });

describe('held fire outcomes', () => {
  it('are recorded on their own once the hold passes without a claim taking them', async () => {
    const recorded: string[][] = [];
    const hold = new OutcomeHold(1_000, systemClock, (outcomes) => recorded.push(outcomes.map((o) => o.id)));
    hold.add(outcome('a'), true);
    hold.add(outcome('b'), true);
    expect(hold.take('a')?.map((o) => o.id)).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(999);
    expect(recorded).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(recorded).toEqual([['b']]);
  });

  it("leave no timer behind when claims take them all (it would wake among the next second's fires)", () => {
    const recorded: string[][] = [];
    const hold = new OutcomeHold(1_000, systemClock, (outcomes) => recorded.push(outcomes.map((o) => o.id)));
    for (const id of ['a', 'b', 'c']) hold.add(outcome(id), true);
    expect(vi.getTimerCount()).toBe(1);
    for (const id of ['c', 'a', 'b']) hold.take(id);
    expect(vi.getTimerCount()).toBe(0);
    expect(hold.size).toBe(0);
    hold.add(outcome('d'), true); // the next second's outcome is held as before
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(recorded).toEqual([['d']]);
  });

  it('put back by a claim that turned out early are still recorded if no later claim takes them', async () => {
    const recorded: string[][] = [];
    const hold = new OutcomeHold(1_000, systemClock, (outcomes) => recorded.push(outcomes.map((o) => o.id)));
    hold.add(outcome('a'), true);
    const taken = hold.take('a') ?? [];
    for (const o of taken) hold.add(o, true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(recorded).toEqual([['a']]);
    hold.add(outcome('b'), true);
    for (const o of hold.take('b') ?? []) hold.add(o, true);
    hold.drain();
    expect(recorded).toEqual([['a'], ['b']]);
  });
});
