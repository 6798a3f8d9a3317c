import type { MisfirePolicy, StringMap, WorkflowDefinition, WorkflowEvent } from './events.ts';

export type WorkflowStatus = 'active' | 'suspended' | 'deleted';

export interface PendingClaim {
  t: number;
  by: string;
  /** A manual trigger: its time is not on the schedule. */
  manual?: boolean;
  /** When it was claimed, for a claim made after its time (a catch-up): it fires then, not at `t`. */
  at?: number;
}

export interface WorkflowState {
  def: WorkflowDefinition;
  status: WorkflowStatus;
  createdAt: number;
  modifiedAt: number;
  /** Every nominal fire time <= cursor has an outcome or a pending claim. */
  cursor: number;
  /** Nominal times claimed but without an outcome yet (usually none or one), and the engine that claimed each. */
  pending: PendingClaim[];
  lastFiredNominal?: number;
  lastFiredAt?: number;
  suspendedAt?: number;
  suspendedBy?: string;
  suspendReason?: string;
  /** A pause's end: the engine resumes the workflow at this instant. */
  resumeAt?: number;
  modifiedBy?: string;
  /** Scheduled fires in a row whose trigger failed (reset by one that did not); see AUTO_SUSPEND_AFTER_FAILED_FIRES. */
  failedFires?: number;
}

/** Fields of the envelope that evolve needs: who did it and why (for WorkflowInfo). */
export interface EventContext {
  actor: string;
  reason?: string;
}

export const withoutPending = (pending: PendingClaim[], t: number): PendingClaim[] => pending.filter((p) => p.t !== t);
export const isPending = (state: WorkflowState, t: number): boolean => state.pending.some((p) => p.t === t);
/**
 * A claim a misfire threshold past its time — its nominal time, or its claim when that came later (a catch-up fires
 * at once): its engine would have fired and recorded it by now, so it is dead. Counted from the nominal time alone,
 * every catch-up claim was stale the moment it was made, and was taken over while its engine fired it.
 */
export const isStaleClaim = (p: PendingClaim, now: number, misfireThresholdMs: number): boolean => Math.max(p.t, p.at ?? p.t) <= now - misfireThresholdMs;

/** Pure fold of one event; `undefined` is the state before the stream exists. */
export function evolve(state: WorkflowState | undefined, event: WorkflowEvent, ctx: EventContext): WorkflowState | undefined {
  if (event.type === 'WorkflowCreated') {
    const { createdAt, ...def } = event.data;
    return { def, status: 'active', createdAt, modifiedAt: createdAt, cursor: createdAt, pending: [], modifiedBy: ctx.actor };
  }
  if (!state) return state;
  switch (event.type) {
    case 'WorkflowSuspended':
      return {
        ...state,
        status: 'suspended',
        modifiedAt: event.data.at,
        suspendedAt: event.data.at,
        suspendedBy: ctx.actor,
        suspendReason: event.data.reason ?? ctx.reason,
        resumeAt: event.data.until,
        modifiedBy: ctx.actor,
      };
    case 'WorkflowResumed': {
      const dynamicOptions: StringMap = event.data.dynamicOptions ?? state.def.dynamicOptions;
      return {
        ...state,
        status: 'active',
        def: { ...state.def, dynamicOptions },
        modifiedAt: event.data.at,
        suspendedAt: undefined,
        suspendedBy: undefined,
        suspendReason: undefined,
        resumeAt: undefined,
        modifiedBy: ctx.actor,
        failedFires: undefined,
      };
    }
    case 'WorkflowScheduleModified': {
      const { at, cronExpression, cronDialect, timeZone, startAt, endAt, misfirePolicy, catchUpWindowMs } = event.data;
      const { cronDialect: _d, startAt: _s, endAt: _e, ...rest } = state.def;
      const bounds = { ...(cronDialect ? { cronDialect } : {}), ...(startAt !== undefined ? { startAt } : {}), ...(endAt !== undefined ? { endAt } : {}) };
      const def = { ...rest, cronExpression, ...bounds, timeZone, misfirePolicy: misfirePolicy as MisfirePolicy, catchUpWindowMs };
      // The new schedule starts strictly after the modification; older nominal times were settled by the decider.
      return { ...state, def, modifiedAt: at, cursor: Math.max(state.cursor, at), modifiedBy: ctx.actor };
    }
    case 'WorkflowDeleted':
      return { ...state, status: 'deleted', modifiedAt: event.data.at, modifiedBy: ctx.actor };
    case 'FireClaimed': {
      const { nominalTime, manual, engineId } = event.data;
      // A re-claim (taking over a claim whose engine died) replaces the old claim instead of adding a twin.
      const late = event.data.claimedAt > nominalTime ? { at: event.data.claimedAt } : {};
      const claim: PendingClaim = manual ? { t: nominalTime, by: engineId, manual, ...late } : { t: nominalTime, by: engineId, ...late };
      const pending = [...withoutPending(state.pending, nominalTime), claim];
      return { ...state, cursor: manual ? state.cursor : Math.max(state.cursor, nominalTime), pending };
    }
    case 'OccurrenceFired': {
      const { nominalTime, firedAt, manual, error } = event.data;
      const cursor = manual ? state.cursor : Math.max(state.cursor, nominalTime);
      const newer = state.lastFiredNominal === undefined || nominalTime >= state.lastFiredNominal;
      // undefined rather than 0 for a workflow whose fires succeed: most states never carry the field.
      const failedFires = manual ? state.failedFires : error !== undefined ? (state.failedFires ?? 0) + 1 : undefined;
      return {
        ...state,
        failedFires,
        cursor,
        pending: withoutPending(state.pending, nominalTime),
        lastFiredNominal: newer ? nominalTime : state.lastFiredNominal,
        lastFiredAt: newer ? firedAt : state.lastFiredAt,
      };
    }
    case 'OccurrencesSkipped': {
      const { fromExclusive, toInclusive } = event.data;
      const pending = state.pending.filter((p) => p.t <= fromExclusive || p.t > toInclusive);
      return { ...state, cursor: Math.max(state.cursor, toInclusive), pending };
    }
    default: {
      const never: never = event;
      return never;
    }
  }
}
