import type { SkipReason, WorkflowEvent } from './events.ts';
import { scheduleOfSpec } from './schedule.ts';
import { isStaleClaim, type WorkflowState } from './state.ts';

/** At most this many missed fire times are claimed by one decision; the engine comes back for the rest. */
export const CATCH_UP_BATCH = 100;

/**
 * Settles the nominal times that went by without a claim, by the workflow's misfire policy (Quartz semantics):
 * - a fire late by less than the misfire threshold is not a misfire: it is claimed and fired late;
 * - fire-all (IGNORE_MISFIRE): every missed time inside the catch-up window is claimed, oldest first, each with
 *   its own schedule time;
 * - fire-once-now (SMART / FIRE_ONCE_NOW): only the latest missed time fires; the others are coalesced into it;
 * - skip (DO_NOTHING): nothing fires; the schedule continues after `now`.
 * Times older than the catch-up window are never fired. Claims whose engine never recorded an outcome (it died
 * between claim and fire) count as missed too and are re-claimed, so another engine can take them over.
 */
export function planCatchUp(
  state: WorkflowState,
  now: number,
  misfireThresholdMs: number,
  engineId: string,
  missedReason: SkipReason,
): WorkflowEvent[] {
  const sched = scheduleOfSpec(state.def);
  const events: WorkflowEvent[] = [];
  const claim = (nominalTime: number): void => {
    events.push({ type: 'FireClaimed', data: { nominalTime, claimedAt: now, engineId, manual: false } });
  };
  const skip = (fromExclusive: number, toInclusive: number, reason: SkipReason): void => {
    if (toInclusive > fromExclusive) events.push({ type: 'OccurrencesSkipped', data: { fromExclusive, toInclusive, reason, at: now } });
  };
  const windowStart = now - state.def.catchUpWindowMs;
  const policy = state.def.misfirePolicy;
  for (const p of state.pending) {
    if (!isStaleClaim(p, now, misfireThresholdMs)) continue; // its engine may still fire it
    if (p.t < windowStart) {
      skip(p.t - 1, p.t, 'outside-catch-up-window');
      continue;
    }
    switch (policy) {
      case 'fire-all':
        claim(p.t);
        break;
      case 'fire-once-now':
        skip(p.t - 1, p.t, 'coalesced');
        break;
      case 'skip':
        skip(p.t - 1, p.t, missedReason);
        break;
      default:
        unknownPolicy(policy);
    }
  }

  let cursor = state.cursor;
  const first = sched.nextAfter(cursor);
  if (first === null || first > now) return events;
  if (first < windowStart) {
    skip(cursor, windowStart - 1, 'outside-catch-up-window');
    cursor = windowStart - 1;
  }
  const next = sched.nextAfter(cursor);
  if (next === null || next > now) return events;
  const claimInOrder = (): void => {
    for (let t: number | null = next, n = 0; t !== null && t <= now && n < CATCH_UP_BATCH; t = sched.nextAfter(t), n++) claim(t);
  };
  if (next > now - misfireThresholdMs) {
    claimInOrder(); // late, but not a misfire: every policy fires it
    return events;
  }
  const last = sched.lastAtOrBefore(now) ?? next;
  switch (policy) {
    case 'fire-all':
      claimInOrder();
      break;
    case 'fire-once-now':
      skip(cursor, last - 1, 'coalesced');
      claim(last);
      break;
    case 'skip':
      skip(cursor, last, missedReason);
      break;
    default:
      unknownPolicy(policy);
  }
  return events;
}

/** A policy added to MisfirePolicy without a case above stops the build here. */
function unknownPolicy(policy: never): never {
  throw new Error(`Unknown misfire policy ${String(policy)}`);
}
