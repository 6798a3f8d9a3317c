import type { RecordedEvent } from '../events/index.ts';
import { scheduleOf, type SkipReason, type WorkflowEvent } from '../workflows/index.ts';

/** One nominal fire time and how it ended: the answer to "why didn't 03:00 fire?". */
export interface Occurrence {
  nominalTime: string;
  outcome: 'fired' | 'skipped' | 'claimed';
  reason: SkipReason | null;
  manual: boolean;
  recovered: boolean;
  claimedAt: string | null;
  firedAt: string | null;
  /** Milliseconds between the nominal time and the trigger's invocation. */
  latenessMs: number | null;
  error: string | null;
  operationHandle: string | null;
  /** What the refresh side did with the fire: started, queued, skipped-overlap, cancelled-other. */
  disposition: string | null;
  cronExpression: string;
}

export interface LedgerQuery {
  from: number;
  to: number;
  limit: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Rebuilds the occurrence ledger of one workflow from its events, for nominal times in [from, to]. Skipped ranges
 * are expanded under the cron that was in force when they were recorded, so the answer survives later cron changes.
 */
export function occurrencesFromEvents(events: readonly RecordedEvent[], q: LedgerQuery): Occurrence[] {
  const byTime = new Map<number, Occurrence>();
  let cron = '';
  let zone = 'UTC';
  const base = (t: number): Occurrence => ({
    nominalTime: iso(t),
    outcome: 'claimed',
    reason: null,
    manual: false,
    recovered: false,
    claimedAt: null,
    firedAt: null,
    latenessMs: null,
    error: null,
    operationHandle: null,
    disposition: null,
    cronExpression: cron,
  });
  const inRange = (t: number): boolean => t >= q.from && t <= q.to;
  for (const r of events) {
    const e = { type: r.type, data: r.data } as WorkflowEvent;
    if (e.type === 'WorkflowCreated' || e.type === 'WorkflowScheduleModified') {
      cron = e.data.cronExpression;
      zone = e.data.timeZone;
    } else if (e.type === 'FireClaimed' && inRange(e.data.nominalTime)) {
      const o = byTime.get(e.data.nominalTime) ?? base(e.data.nominalTime);
      byTime.set(e.data.nominalTime, { ...o, manual: e.data.manual, claimedAt: iso(e.data.claimedAt) });
    } else if (e.type === 'OccurrenceFired' && inRange(e.data.nominalTime)) {
      const { nominalTime, firedAt, manual, recovered, error, operationHandle, disposition } = e.data;
      const o = byTime.get(nominalTime) ?? base(nominalTime);
      const fired = { outcome: 'fired', manual, recovered, firedAt: iso(firedAt), latenessMs: firedAt - nominalTime } as const;
      byTime.set(nominalTime, { ...o, ...fired, error: error ?? null, operationHandle: operationHandle ?? null, disposition: disposition ?? null });
    } else if (e.type === 'OccurrencesSkipped') {
      const from = Math.max(e.data.fromExclusive, q.from - 1);
      const to = Math.min(e.data.toInclusive, q.to);
      const sched = scheduleOf(cron, zone);
      // A claimed time is skipped as a single-time range, whether or not it is on the current schedule (manual).
      const single = e.data.toInclusive - e.data.fromExclusive === 1 ? e.data.toInclusive : null;
      const times: number[] = [];
      if (single !== null) {
        if (inRange(single)) times.push(single);
      } else {
        for (let t = sched.nextAfter(from); t !== null && t <= to && times.length <= q.limit; t = sched.nextAfter(t)) times.push(t);
      }
      for (const t of times) {
        const o = byTime.get(t) ?? base(t);
        byTime.set(t, { ...o, outcome: 'skipped', reason: e.data.reason });
      }
    }
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).slice(0, q.limit).map(([, o]) => o);
}
