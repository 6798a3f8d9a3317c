import { describe, expect, it } from 'vitest';
import { evolve, isStaleClaim, type WorkflowState } from '../../src/workflows/index.ts';

// A claim is a dead engine's once its engine would have fired and recorded it: a misfire threshold after the time it
// fires, which for a catch-up claim (made after its nominal time) is the claim's own time, not the nominal one.

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const THRESHOLD = 10_000;
const ctx = { actor: 'freshet-engine' };

function claimed(nominalTime: number, claimedAt: number): WorkflowState {
  const created = evolve(undefined, { type: 'WorkflowCreated', data: { workflowId: 'w', workflowName: 'n', workflowGroup: 'g', tableIdentifier: 't', cronExpression: '* * * * * ?', timeZone: 'UTC', misfirePolicy: 'fire-all', catchUpWindowMs: 86_400_000, dynamicOptions: {}, executionConfig: {}, initConfig: {}, createdAt: T0 - 60_000 } } as never, ctx)!;
  return evolve(created, { type: 'FireClaimed', data: { nominalTime, claimedAt, engineId: 'node-1~abc', manual: false } }, ctx)!;
}

describe('stale claims', () => {
  it('given a claim made before its time, it is stale a threshold after its nominal time', () => {
    const [p] = claimed(T0, T0 - 250).pending;
    expect(p).toEqual({ t: T0, by: 'node-1~abc' });
    expect(isStaleClaim(p!, T0 + THRESHOLD - 1, THRESHOLD)).toBe(false);
    expect(isStaleClaim(p!, T0 + THRESHOLD, THRESHOLD)).toBe(true);
  });

  it('given a catch-up claim 30 s after its time, it is not stale until a threshold after the claim', () => {
    const [p] = claimed(T0, T0 + 30_000).pending;
    expect(p).toEqual({ t: T0, by: 'node-1~abc', at: T0 + 30_000 });
    expect(isStaleClaim(p!, T0 + 30_000, THRESHOLD)).toBe(false);
    expect(isStaleClaim(p!, T0 + 30_000 + THRESHOLD - 1, THRESHOLD)).toBe(false);
    expect(isStaleClaim(p!, T0 + 30_000 + THRESHOLD, THRESHOLD)).toBe(true);
  });

  it('round-trips through JSON (read models keep the pending claims)', () => {
    const state = claimed(T0, T0 + 30_000);
    expect(JSON.parse(JSON.stringify(state)).pending).toEqual(state.pending);
  });
});
