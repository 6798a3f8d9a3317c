import { describe, expect, it } from 'vitest';
import { AUTO_SUSPEND_AFTER_FAILED_FIRES, decide, evolve, type WorkflowEvent, type WorkflowState } from '../../src/workflows/index.ts';
import { created, MINUTE, T0 } from '../support/workflow-fixtures.ts';

const ctx = { actor: 'freshet-engine' };
const apply = (state: WorkflowState | undefined, events: readonly WorkflowEvent[]) => events.reduce((s, e) => evolve(s, e, ctx), state);

/** Claims and records the fire at T0 + i × 15 min, failed or not, through the decider. */
function fire(state: WorkflowState | undefined, i: number, error?: string, manual = false): { state: WorkflowState | undefined; events: WorkflowEvent[] } {
  const t = T0 + (i + 1) * 15 * MINUTE;
  const claim = manual
    ? decide({ type: 'TriggerWorkflow', now: t, engineId: 'e' }, state, 'k')
    : decide({ type: 'ClaimFire', now: t - 250, nominalTime: t, engineId: 'e' }, state, 'k');
  state = apply(state, claim);
  const nominalTime = (claim[0] as { data: { nominalTime: number } }).data.nominalTime;
  const events = decide({ type: 'RecordFired', now: t + 5, nominalTime, firedAt: t, manual, recovered: false, ...(error ? { error } : {}) }, state, 'k');
  return { state: apply(state, events), events };
}

describe('a workflow whose fires keep failing suspends itself', () => {
  it(`after ${AUTO_SUSPEND_AFTER_FAILED_FIRES} scheduled fires in a row failed, with the reason and the last error`, () => {
    let state = apply(undefined, [created()]);
    for (let i = 0; i < AUTO_SUSPEND_AFTER_FAILED_FIRES - 1; i++) {
      const r = fire(state, i, 'Cannot find table `c`.`d`.`t`');
      expect(r.events.map((e) => e.type)).toEqual(['OccurrenceFired']);
      state = r.state;
    }
    const last = fire(state, AUTO_SUSPEND_AFTER_FAILED_FIRES - 1, 'Cannot find table `c`.`d`.`t`');
    expect(last.events.map((e) => e.type)).toEqual(['OccurrenceFired', 'WorkflowSuspended']);
    expect(last.state).toMatchObject({ status: 'suspended', suspendReason: expect.stringMatching(/after 5 scheduled fires in a row failed; the last: Cannot find table/) });
  });

  it('one fire that did not fail starts the count again; manual fires do not count', () => {
    let state = apply(undefined, [created()]);
    let n = 0;
    for (let i = 0; i < AUTO_SUSPEND_AFTER_FAILED_FIRES - 1; i++) state = fire(state, n++, 'boom').state;
    state = fire(state, n++).state; // succeeded
    for (let i = 0; i < AUTO_SUSPEND_AFTER_FAILED_FIRES - 1; i++) state = fire(state, n++, 'boom').state;
    state = fire(state, n++, 'boom', true).state; // a manual trigger failing
    expect(state?.status).toBe('active');
    expect(fire(state, n - 1, 'boom').state?.status).toBe('suspended'); // the scheduled time the manual one sat beside
  });

  it('resuming starts the count again', () => {
    let state = apply(undefined, [created()]);
    for (let i = 0; i < AUTO_SUSPEND_AFTER_FAILED_FIRES; i++) state = fire(state, i, 'boom').state;
    expect(state?.status).toBe('suspended');
    const at = T0 + AUTO_SUSPEND_AFTER_FAILED_FIRES * 15 * MINUTE + 10;
    state = apply(state, decide({ type: 'ResumeWorkflow', now: at, misfireThresholdMs: 60_000, engineId: 'e' }, state, 'k'));
    expect(fire(state, AUTO_SUSPEND_AFTER_FAILED_FIRES, 'boom').state?.status).toBe('active');
  });
});
