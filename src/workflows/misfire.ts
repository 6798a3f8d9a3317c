import type { SkipReason, WorkflowEvent } from './events.ts';
import { scheduleOf } from './schedule.ts';
import type { WorkflowState } from './state.ts';

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
  const sched = scheduleOf(state.def.cronExpression, state.def.timeZone);
  const events: WorkflowEvent[] = [];
  const claim = (nominalTime: number): void => {
    events.push({ type: 'FireClaimed', data: { nominalTime, claimedAt: now, engineId, manual: false } });
  };
  const skip = (fromExclusive: number, toInclusive: number, reason: SkipReason): void => {
    if (toInclusive > fromExclusive) events.push({ type: 'OccurrencesSkipped', data: { fromExclusive, toInclusive, reason, at: now } });
  };
  const windowStart = now - state.def.catchUpWindowMs;
  const stale = state.pending.filter((p) => p.t <= now - misfireThresholdMs).map((p) => p.t);
  for (const p of stale) {
    if (p < windowStart) skip(p - 1, p, 'outside-catch-up-window');
    else if (state.def.misfirePolicy === 'fire-all') claim(p);
    else skip(p - 1, p, state.def.misfirePolicy === 'skip' ? missedReason : 'coalesced');
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
  if (next > now - misfireThresholdMs || state.def.misfirePolicy === 'fire-all') {
    // Not a misfire (or a policy that replays everything): claim in order, a batch at a time.
    for (let t: number | null = next, n = 0; t !== null && t <= now && n < CATCH_UP_BATCH; t = sched.nextAfter(t), n++) claim(t);
    return events;
  }
  const last = sched.lastAtOrBefore(now) ?? next;
  if (state.def.misfirePolicy === 'fire-once-now') {
    skip(cursor, last - 1, 'coalesced');
    claim(last);
  } else {
    skip(cursor, last, missedReason);
  }
  return events;
}
