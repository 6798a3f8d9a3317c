import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Clock, systemClock } from '../../src/clock/index.ts';
import { TimerWheel } from '../../src/engine/index.ts';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const at = (iso: string): number => Date.parse(iso);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

describe('timer wheel: actions grouped by their absolute due instant', () => {
  it('runs every action due at one instant in one turn, however far apart they were armed', async () => {
    const wheel = new TimerWheel(systemClock);
    const ran: string[] = [];
    const due = at('2026-03-02T10:00:10.000Z');
    wheel.at(due, () => ran.push('a'));
    await vi.advanceTimersByTimeAsync(3_333.7); // armed at a different (fractional) moment: same bucket
    wheel.at(due, () => ran.push('b'));
    // One Node timer for the instant: the two run back to back, nothing between them.
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    wheel.at(due, () => ran.push('c'));
    expect(setTimeoutSpy).not.toHaveBeenCalled();
    setTimeoutSpy.mockRestore();
    await vi.advanceTimersByTimeAsync(due - 1 - Date.now());
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('never runs early: a 40-day wait (beyond the 2^31-1 ms a Node timer can hold) and a clock set back', async () => {
    let offset = 0;
    const clock: Clock = { now: () => Date.now() + offset };
    const wheel = new TimerWheel(clock);
    const ran: number[] = [];
    const due = at('2026-04-11T10:00:00.000Z');
    wheel.at(due, () => ran.push(clock.now()));
    await vi.advanceTimersByTimeAsync(at('2026-04-11T09:59:00.000Z') - Date.now());
    expect(ran).toEqual([]);
    offset = -30_000; // the wall clock jumps back 30 s
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(ran).toEqual([due]);
  });

  it('a cancelled action does not run, and the others of its instant still do', async () => {
    const wheel = new TimerWheel(systemClock);
    const ran: string[] = [];
    const due = T0 + 5_000;
    const a = wheel.at(due, () => ran.push('a'));
    wheel.at(due, () => ran.push('b'));
    a.unsubscribe();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ran).toEqual(['b']);
  });

  it('serves as an RxJS scheduler (relative delays)', async () => {
    const wheel = new TimerWheel(systemClock);
    const ran: number[] = [];
    wheel.schedule(() => ran.push(Date.now()), 1_500);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(ran).toEqual([T0 + 1_500]);
  });
});
