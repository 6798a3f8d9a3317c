import { isStaleClaim, type WorkflowCommand, type WorkflowState } from '../workflows/index.ts';
import type { RecalledFire, RefreshTrigger } from './trigger.ts';

/** The claims of dead engines (see isStaleClaim). */
export const staleClaims = (state: WorkflowState, now: number, misfireThresholdMs: number) => state.pending.filter((p) => isStaleClaim(p, now, misfireThresholdMs));

const UNKNOWN = 'freshet stopped after claiming this fire and before recording its outcome; the trigger keeps no record, so whether it ran is unknown.';

/**
 * Outcomes for the claims a dead engine left open, from what the trigger durably recorded: a fire whose refresh
 * was submitted before the crash is recorded as fired (recovered) with its operation, instead of being fired again
 * by the misfire policy — the "refresh ran twice across a SIGKILL" of a held outcome. Claims the trigger has no
 * record of are left to the caller: on an active workflow the misfire policy settles them (they never ran).
 */
export async function recallStaleClaims(trigger: RefreshTrigger, id: string, state: WorkflowState, now: number, misfireThresholdMs: number): Promise<WorkflowCommand[]> {
  if (!trigger.recall) return [];
  const commands: WorkflowCommand[] = [];
  for (const p of staleClaims(state, now, misfireThresholdMs)) {
    const fire = await trigger.recall(id, p.t);
    if (fire) commands.push(recovered(p.t, p.manual === true, now, fire));
  }
  return commands;
}

/**
 * Every open claim of a workflow that is gone (deleted, so no actor watches it) ends in an outcome: fired
 * (recovered) when the trigger recorded the fire, skipped as deleted when it says it never took it, and fired
 * with an unknown outcome when it keeps no record.
 */
export async function settleOrphanedClaims(trigger: RefreshTrigger, id: string, state: WorkflowState, now: number): Promise<WorkflowCommand[]> {
  const commands: WorkflowCommand[] = [];
  for (const p of state.pending) {
    const manual = p.manual === true;
    if (!trigger.recall) {
      commands.push({ type: 'RecordFired', now, nominalTime: p.t, firedAt: now, manual, recovered: true, error: UNKNOWN });
      continue;
    }
    const fire = await trigger.recall(id, p.t);
    commands.push(fire ? recovered(p.t, manual, now, fire) : { type: 'AbandonClaim', now, nominalTime: p.t, reason: 'deleted' });
  }
  return commands;
}

function recovered(t: number, manual: boolean, now: number, fire: RecalledFire): WorkflowCommand {
  return {
    type: 'RecordFired',
    now,
    nominalTime: t,
    firedAt: fire.firedAt,
    manual,
    recovered: true,
    ...(fire.operationHandle !== undefined ? { operationHandle: fire.operationHandle } : {}),
    ...(fire.disposition !== undefined ? { disposition: fire.disposition } : {}),
  };
}
