import type { RecordedEvent } from '../../src/events/index.ts';
import { scheduleOf, type WorkflowEvent } from '../../src/workflows/index.ts';

/**
 * Checks the occurrence ledger of one workflow stream: every nominal time of the schedule(s) in force, up to the
 * settled cursor, has exactly one outcome (fired or skipped) or a pending claim; no time has two; and no outcome
 * names a time that was never on the schedule (manual fires aside). Returns the problems found.
 */
export function ledgerProblems(events: readonly RecordedEvent[]): string[] {
  const problems: string[] = [];
  const outcomes = new Map<number, number>();
  const pending = new Set<number>();
  const manual = new Set<number>();
  /** Claimed under the schedule in force at the time, even if a later change moved the schedule's end before it. */
  const claimed = new Set<number>();
  const segments: { cron: string; zone: string; from: number; to: number }[] = [];
  let cursor = 0;
  let deletedAt: number | undefined;
  const add = (t: number) => outcomes.set(t, (outcomes.get(t) ?? 0) + 1);
  for (const r of events) {
    const e = { type: r.type, data: r.data } as WorkflowEvent;
    switch (e.type) {
      case 'WorkflowCreated':
        segments.length = 0;
        outcomes.clear();
        pending.clear();
        claimed.clear();
        manual.clear();
        deletedAt = undefined;
        segments.push({ cron: e.data.cronExpression, zone: e.data.timeZone, from: e.data.createdAt, to: Infinity });
        cursor = e.data.createdAt;
        break;
      case 'WorkflowScheduleModified':
        segments[segments.length - 1]!.to = e.data.at;
        segments.push({ cron: e.data.cronExpression, zone: e.data.timeZone, from: e.data.at, to: Infinity });
        cursor = Math.max(cursor, e.data.at);
        break;
      case 'WorkflowDeleted':
        deletedAt = e.data.at;
        segments[segments.length - 1]!.to = e.data.at;
        break;
      case 'FireClaimed':
        pending.add(e.data.nominalTime);
        if (e.data.manual) manual.add(e.data.nominalTime);
        else {
          claimed.add(e.data.nominalTime);
          cursor = Math.max(cursor, e.data.nominalTime);
        }
        break;
      case 'OccurrenceFired':
        pending.delete(e.data.nominalTime);
        add(e.data.nominalTime);
        if (!e.data.manual) cursor = Math.max(cursor, e.data.nominalTime);
        break;
      case 'OccurrencesSkipped': {
        const { fromExclusive: a, toInclusive: b } = e.data;
        if (b - a === 1) {
          pending.delete(b);
          add(b);
        } else {
          for (const seg of segments) {
            const sched = scheduleOf(seg.cron, seg.zone);
            for (let t = sched.nextAfter(Math.max(a, seg.from)); t !== null && t <= Math.min(b, seg.to); t = sched.nextAfter(t)) add(t);
          }
        }
        cursor = Math.max(cursor, b);
        break;
      }
      default:
        break;
    }
  }
  const expected = new Set<number>(claimed);
  for (const seg of segments) {
    const sched = scheduleOf(seg.cron, seg.zone);
    for (let t = sched.nextAfter(seg.from); t !== null && t <= Math.min(seg.to, cursor); t = sched.nextAfter(t)) expected.add(t);
  }
  for (const t of expected) {
    const n = outcomes.get(t) ?? 0;
    if (n > 1) problems.push(`${new Date(t).toISOString()} has ${n} outcomes`);
    if (n === 0 && !pending.has(t) && deletedAt === undefined) problems.push(`${new Date(t).toISOString()} has no outcome`);
  }
  for (const [t, n] of outcomes) {
    if (!expected.has(t) && !manual.has(t)) problems.push(`outcome for ${new Date(t).toISOString()}, which is not on the schedule`);
    if (manual.has(t) && n > 1) problems.push(`manual ${new Date(t).toISOString()} has ${n} outcomes`);
  }
  return problems;
}
