import { decide, type EventContext, evolve, isStaleClaim, scheduleOfSpec, type WorkflowCommand, type WorkflowEvent, type WorkflowState } from '../workflows/index.ts';

/**
 * What a claim wake at `now` means: too early (the clock went back), a plain claim of the next time, or a
 * catch-up — a misfire, a dead engine's claim, or an engine running behind with several times already due, which
 * claims them all in one append instead of one per wake (so a backlog shrinks instead of lasting).
 */
export function planClaim(state: WorkflowState, now: number, leadMs: number, misfireThresholdMs: number): 'early' | 'catch-up' | number {
  const schedule = scheduleOfSpec(state.def);
  const next = schedule.nextAfter(state.cursor) ?? Infinity;
  let stale = false;
  for (const p of state.pending) if (isStaleClaim(p, now, misfireThresholdMs)) stale = true;
  if (next - leadMs > now && !stale) return 'early';
  if (next <= now - misfireThresholdMs || stale) return 'catch-up';
  return next < now && (schedule.nextAfter(next) ?? Infinity) <= now ? 'catch-up' : next;
}

/** Decides `command` on `state`, appends the events to `into` and returns the state after them. */
export function decideOnto(into: WorkflowEvent[], command: WorkflowCommand, state: WorkflowState | undefined, key: string, ctx: EventContext): WorkflowState | undefined {
  for (const e of decide(command, state, key)) {
    into.push(e);
    state = evolve(state, e, ctx);
  }
  return state;
}
