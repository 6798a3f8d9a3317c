import { DateTime } from 'luxon';
import type { RecordedEvent } from '../events/index.ts';
import { type MemoCron, scheduleOf, scheduleOfSpec, type ScheduleSpec, type WorkflowEvent } from '../workflows/index.ts';
import type { Occurrence } from './ledger.ts';

/** The answer to "why did (or didn't) the workflow fire at this instant?", from its log alone. */
export interface Explanation {
  at: string;
  /** Whether the instant was a nominal fire time under the schedule in force then. */
  nominal: boolean;
  /** The schedule in force at the instant, and who set it when; null before the workflow existed. */
  schedule: { cronExpression: string; cronDialect: 'quartz' | 'unix'; timeZone: string; misfirePolicy: string; since: string; by: string } | null;
  /** The ledger's entry for the instant (a manual fire is one too), or null. */
  outcome: Occurrence | null;
  /** The chain of reasons, oldest cause first, each a sentence an operator can act on. */
  reasons: string[];
  previous: string | null;
  next: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const who = (e: RecordedEvent): string => `${e.metadata.actor}${e.metadata.reason ? ` ('${e.metadata.reason}')` : ''}`;
const as = (e: RecordedEvent): WorkflowEvent => ({ type: e.type, data: e.data }) as WorkflowEvent;
/** The instant a suspend, resume or delete took effect. */
const atOf = (e: RecordedEvent | undefined): number | null => (e ? (e.data as { at: number }).at : null);

interface Schedule {
  spec: ScheduleSpec;
  cron: string;
  dialect: 'quartz' | 'unix';
  zone: string;
  policy: string;
  catchUpMs: number;
  since: number;
  event: RecordedEvent;
}

/**
 * Explains instant `t` of one workflow: its events (the stream, oldest first) and the ledger's entry for `t`
 * (already joined to its refresh, see withRefreshOutcomes). The schedule is the one in force at `t` — a later
 * change does not rewrite why an earlier time fired or not.
 */
export function explainInstant(events: readonly RecordedEvent[], t: number, occurrence: Occurrence | null): Explanation {
  // A time claimed ahead (the claim lead) belongs to the schedule it was first claimed under, though that schedule
  // changed before its fire (the change drops only its own engine's claims; another's is settled, or fired, later).
  // The schedule is the one the log held when the time was first claimed (by stream order: a change and a claim
  // can share a millisecond), else the one in force at the instant.
  const first = events.find((e) => e.type === 'FireClaimed' && (e.data as { nominalTime: number }).nominalTime === t);
  const schedule = first ? scheduleAt(events.filter((e) => e.version < first.version), Number.MAX_SAFE_INTEGER) : scheduleAt(events, t);
  const base = { at: iso(t), outcome: occurrence, previous: null, next: null };
  if (!schedule) {
    const created = events.find((e) => e.type === 'WorkflowCreated');
    const why = created ? `The workflow did not exist yet: it was created at ${created.metadata.occurredAt} by ${who(created)}.` : 'The workflow has no events.';
    return { ...base, nominal: false, schedule: null, reasons: [why] };
  }
  const sched = scheduleOfSpec(schedule.spec);
  const cron = scheduleOf(schedule.cron, schedule.zone, schedule.dialect);
  // A schedule's first fire time is strictly after it was set (the workflow's cursor starts there).
  const fireTimeOf = (s: MemoCron) => t > schedule.since && t % 1000 === 0 && s.nextAfter(t - 1) === t;
  const nominal = fireTimeOf(sched);
  const previous = sched.lastAtOrBefore(t - 1);
  const next = sched.nextAfter(t);
  const inForce = `'${schedule.cron}' (${schedule.dialect} cron) in ${schedule.zone} (in force since ${iso(schedule.since)}, set by ${who(schedule.event)})`;
  const reasons: string[] = [];
  const deletedAt = atOf(events.find((e) => e.type === 'WorkflowDeleted'));
  const deleted = deletedAt !== null && deletedAt < t ? events.find((e) => e.type === 'WorkflowDeleted') : undefined;
  const { startAt, endAt } = schedule.spec;
  const onCron = fireTimeOf(cron);
  if (onCron && startAt !== undefined && t < startAt) reasons.push(`${iso(t)} is a time of ${inForce}, but before the schedule's start (${iso(startAt)}): nothing before it fires.`);
  else if (onCron && endAt !== undefined && t >= endAt) reasons.push(`${iso(t)} is a time of ${inForce}, but at or after the schedule's end (${iso(endAt)}): nothing from then on fires.`);
  else if (!nominal) {
    reasons.push(`${iso(t)} is not a fire time of ${inForce}: the previous was ${previous === null ? 'none within a year' : iso(previous)}, the next ${next === null ? 'none (the schedule has ended)' : iso(next)}.`);
    const shift = previous !== null && next !== null ? offsetChange(schedule.zone, previous, next) : null;
    if (shift) reasons.push(shift);
    if (occurrence?.manual) reasons.push(`It was fired by hand (a trigger, outside the schedule).`);
  } else {
    reasons.push(`${iso(t)} is a fire time of ${inForce}.`);
  }
  if (deleted) reasons.push(`The workflow was deleted at ${iso(deletedAt!)} by ${who(deleted)}.`);
  if (occurrence) reasons.push(...outcomeReasons(events, t, occurrence, schedule));
  else if (nominal && !deleted) reasons.push('It has no outcome yet: it is not due, or not yet claimed.');
  return {
    ...base,
    nominal,
    reasons: reasons.filter((r) => r !== ''),
    schedule: { cronExpression: schedule.cron, cronDialect: schedule.dialect, timeZone: schedule.zone, misfirePolicy: schedule.policy, since: iso(schedule.since), by: schedule.event.metadata.actor },
    previous: previous === null ? null : iso(previous),
    next: next === null ? null : iso(next),
  };
}

/**
 * The schedule in force at `t`: the creation's from its instant on (a manual fire at that very instant is the
 * workflow's), a change's strictly after it (the old schedule's times up to the change were settled under it).
 */
function scheduleAt(events: readonly RecordedEvent[], t: number): Schedule | null {
  let found: Schedule | null = null;
  for (const e of events) {
    const ev = as(e);
    if (ev.type === 'WorkflowCreated' && ev.data.createdAt <= t) {
      found = { spec: ev.data, cron: ev.data.cronExpression, dialect: ev.data.cronDialect ?? 'quartz', zone: ev.data.timeZone, policy: ev.data.misfirePolicy, catchUpMs: ev.data.catchUpWindowMs, since: ev.data.createdAt, event: e };
    } else if (ev.type === 'WorkflowScheduleModified' && ev.data.at < t) {
      found = { spec: ev.data, cron: ev.data.cronExpression, dialect: ev.data.cronDialect ?? 'quartz', zone: ev.data.timeZone, policy: ev.data.misfirePolicy, catchUpMs: ev.data.catchUpWindowMs, since: ev.data.at, event: e };
    }
  }
  return found;
}

/** A daylight-saving change between two fire times, which is why a wall time between them may not exist. */
function offsetChange(zone: string, from: number, to: number): string | null {
  const a = DateTime.fromMillis(from, { zone });
  const b = DateTime.fromMillis(to, { zone });
  if (a.offset === b.offset) return null;
  return `Between them the clocks in ${zone} changed from UTC${a.toFormat('ZZ')} to UTC${b.toFormat('ZZ')}: a wall time skipped by the change does not occur that day, and one that repeats fires once.`;
}

function outcomeReasons(events: readonly RecordedEvent[], t: number, o: Occurrence, schedule: Schedule): string[] {
  const fired = o.firedAt ? `Fired at ${o.firedAt}${o.latenessMs ? ` (${o.latenessMs} ms after its time)` : ''}${o.recovered ? ', recovered after freshet stopped between the claim and its record' : ''}.` : '';
  const part = o.partition && Object.keys(o.partition).length > 0 ? ` partition ${JSON.stringify(o.partition)}` : '';
  switch (o.outcome) {
    case 'succeeded':
      return [fired, `Refresh ${o.operationHandle} succeeded: ${o.rowsWritten} rows written to${part || ' the table'} in ${o.durationMs} ms (${o.attempts} attempt${o.attempts === 1 ? '' : 's'}).`];
    case 'failed':
      return o.operationHandle
        ? [fired, `Refresh ${o.operationHandle} of${part || ' the table'} failed after ${o.attempts} attempt${o.attempts === 1 ? '' : 's'}: ${o.error}`]
        : [fired, `The refresh could not be submitted: ${o.error}`];
    case 'cancelled':
      return [fired, `Refresh ${o.operationHandle} was cancelled: ${o.error ?? 'no reason recorded'}.`];
    case 'running':
      return [fired, `Refresh ${o.operationHandle} is running.`];
    case 'claimed':
      return [`Claimed at ${o.claimedAt}: its timer is armed, it has not fired yet.`];
    case 'fired':
      return [fired, o.error ? o.error : 'The trigger reports no refresh outcome.'];
    case 'skipped':
      return [skipReason(events, t, o, schedule)];
    default: {
      const never: never = o.outcome;
      return [String(never)];
    }
  }
}

function skipReason(events: readonly RecordedEvent[], t: number, o: Occurrence, schedule: Schedule): string {
  const skip = events.find((e) => {
    const ev = as(e);
    return ev.type === 'OccurrencesSkipped' && ev.data.fromExclusive < t && t <= ev.data.toInclusive;
  });
  const settledAt = skip ? iso((as(skip) as Extract<WorkflowEvent, { type: 'OccurrencesSkipped' }>).data.at) : 'an unknown time';
  const lastBefore = [...events].reverse().find((e) => Date.parse(e.recordedAt) < t && e !== skip);
  switch (o.reason) {
    case 'suspended': {
      const suspended = [...events].reverse().find((e) => e.type === 'WorkflowSuspended' && atOf(e)! <= t);
      const resumed = events.find((e) => e.type === 'WorkflowResumed' && atOf(e)! > t);
      const by = suspended ? `suspended at ${iso(atOf(suspended)!)} by ${who(suspended)}` : 'suspended';
      return `Skipped: the workflow was ${by}${resumed ? ` and resumed at ${iso(atOf(resumed)!)} by ${who(resumed)}` : ''}; its misfire policy (${schedule.policy}) did not replay it.`;
    }
    case 'outside-catch-up-window':
      return `Skipped: missed (suspended, or freshet not running) and settled at ${settledAt}, more than the catch-up window (${schedule.catchUpMs} ms) after its time.`;
    case 'misfire-skip':
      return `Skipped: missed while freshet was not running (nothing recorded from ${lastBefore?.recordedAt ?? 'the start'} to ${settledAt}), settled by the misfire policy 'skip'.`;
    case 'coalesced':
      return `Skipped: missed from ${lastBefore?.recordedAt ?? 'the start'} to ${settledAt} and folded into one later fire by the misfire policy 'fire-once-now'.`;
    case 'schedule-modified':
      return `Skipped: its schedule was replaced at ${settledAt} before it fired.`;
    case 'deleted':
      return `Skipped: the workflow was deleted at ${settledAt} before it fired.`;
    case 'overlap':
      return `Skipped by the table's overlap policy while refresh ${o.yieldedTo ?? '(unknown)'} was running.`;
    case 'backlog':
      return `Skipped: the table already had the most refreshes waiting that it may (its refreshes are slower than its schedule)${o.yieldedTo ? `; refresh ${o.yieldedTo} was running` : ''}.`;
    case null:
      return 'Skipped.';
    default: {
      const never: never = o.reason;
      return String(never);
    }
  }
}
