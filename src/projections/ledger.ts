import type { RecordedEvent } from '../events/index.ts';
import type { RefreshOutcome, RemoteJob } from '../engine/index.ts';
import { firedOutcomeOf } from './occurrence-writes.ts';
import { scheduleOfSpec, type ScheduleSpec, type SkipReason, type StringMap, type WorkflowEvent } from '../workflows/index.ts';

/**
 * How a nominal time ended. Terminal: `succeeded`, `failed` (after its attempts, or the fire could not be
 * submitted), `skipped` (with a reason), `cancelled`. In flight: `claimed` (timer armed, not fired yet) and
 * `running` (its refresh runs). `fired` is a fire whose trigger reports no refresh outcomes (a library user's own).
 */
export const OCCURRENCE_OUTCOMES = ['succeeded', 'failed', 'skipped', 'cancelled', 'running', 'claimed', 'fired'] as const;
export type OccurrenceOutcome = (typeof OCCURRENCE_OUTCOMES)[number];
/** Why a time was skipped: the workflow's own reasons, or the table's overlap policy (`overlap`, `backlog`). */
export type OccurrenceSkipReason = SkipReason | 'overlap' | 'backlog';

/** One nominal fire time and how it ended: the answer to "why didn't 03:00 fire?". */
export interface Occurrence {
  nominalTime: string;
  outcome: OccurrenceOutcome;
  reason: OccurrenceSkipReason | null;
  manual: boolean;
  recovered: boolean;
  claimedAt: string | null;
  firedAt: string | null;
  /** Milliseconds between the nominal time and the trigger's invocation. */
  latenessMs: number | null;
  error: string | null;
  operationHandle: string | null;
  /** What the refresh side did with the fire: started, queued, skipped-overlap, cancelled-other, skipped-backlog. */
  disposition: string | null;
  /** Skipped by the overlap policy: the operation that was running. */
  yieldedTo: string | null;
  /** The partition the refresh wrote (empty for a non-partitioned table); null before a refresh is known. */
  partition: StringMap | null;
  rowsWritten: number | null;
  durationMs: number | null;
  /** Attempts the refresh took (retries included); 0 when no refresh ran. */
  attempts: number;
  endedAt: string | null;
  /** A refresh run on another gateway: its job id, cluster info and the job's end state as followed; else null. */
  remote: RemoteJob | null;
  cronExpression: string;
  cronDialect: 'quartz' | 'unix';
}

export interface LedgerQuery {
  from: number;
  to: number;
  limit: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A nominal time nothing has happened to yet, under the schedule `spec` it belongs to. */
export function blankOccurrence(t: number, spec: ScheduleSpec): Occurrence {
  return {
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
    yieldedTo: null,
    partition: null,
    rowsWritten: null,
    durationMs: null,
    attempts: 0,
    endedAt: null,
    remote: null,
    cronExpression: spec.cronExpression,
    cronDialect: spec.cronDialect ?? 'quartz',
  };
}

/**
 * Rebuilds the occurrence ledger of one workflow from its events, for nominal times in [from, to]. Skipped ranges
 * are expanded under the cron that was in force when they were recorded, so the answer survives later cron changes.
 */
export function occurrencesFromEvents(events: readonly RecordedEvent[], q: LedgerQuery): Occurrence[] {
  const byTime = new Map<number, Occurrence>();
  let spec: ScheduleSpec = { cronExpression: '', timeZone: 'UTC' };
  const base = (t: number): Occurrence => blankOccurrence(t, spec);
  const inRange = (t: number): boolean => t >= q.from && t <= q.to;
  for (const r of events) {
    const e = { type: r.type, data: r.data } as WorkflowEvent;
    if (e.type === 'WorkflowCreated' || e.type === 'WorkflowScheduleModified') {
      spec = e.data;
    } else if (e.type === 'FireClaimed' && inRange(e.data.nominalTime)) {
      const o = byTime.get(e.data.nominalTime) ?? base(e.data.nominalTime);
      byTime.set(e.data.nominalTime, { ...o, manual: e.data.manual, claimedAt: iso(e.data.claimedAt) });
    } else if (e.type === 'OccurrenceFired' && inRange(e.data.nominalTime)) {
      const { nominalTime, firedAt, manual, recovered, error, operationHandle, disposition, yieldedTo } = e.data;
      const o = byTime.get(nominalTime) ?? base(nominalTime);
      const fired = { ...firedOutcomeOf(e.data), manual, recovered, firedAt: iso(firedAt), latenessMs: firedAt - nominalTime };
      byTime.set(nominalTime, { ...o, ...fired, error: error ?? null, operationHandle: operationHandle ?? null, disposition: disposition ?? null, yieldedTo: yieldedTo ?? null });
    } else if (e.type === 'OccurrencesSkipped') {
      const from = Math.max(e.data.fromExclusive, q.from - 1);
      const to = Math.min(e.data.toInclusive, q.to);
      const sched = scheduleOfSpec(spec);
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

/**
 * Joins each fire to what became of its refresh (RefreshTrigger.outcomes): the ledger's terminal outcome comes from
 * the refresh side's log, not from the timer. A fire whose refresh is unknown keeps what its own log says.
 */
export function withRefreshOutcomes(occurrences: readonly Occurrence[], outcomes: ReadonlyMap<string, RefreshOutcome>): Occurrence[] {
  return occurrences.map((o) => {
    const r = o.operationHandle === null ? undefined : outcomes.get(o.operationHandle);
    if (!r || o.outcome === 'skipped') return o;
    return {
      ...o,
      outcome: r.state,
      partition: r.partition,
      rowsWritten: r.rowsWritten,
      durationMs: r.durationMs,
      attempts: r.attempts,
      error: r.error,
      endedAt: r.endedAt === null ? null : iso(r.endedAt),
      remote: r.remote ?? null,
    };
  });
}
