import type { RecordedEvent } from '../events/index.ts';
import { WORKFLOW_STREAM_PREFIX, type FiredData, type SkipReason, type WorkflowEvent } from '../workflows/index.ts';

/**
 * The indexed ledger (issue: bounded state): one row per workflow and nominal time, plus the workflow's skipped
 * ranges and its command events, so a page of the ledger or an explanation reads a few rows instead of the stream.
 *
 * Every write is an upsert whose fields come in groups, each stamped with the stream version of the event that set
 * it: a group only takes a newer version. So writes commute — a node that lags behind another, or a replay of
 * events already applied, cannot move a row backwards — and a batch may be merged before it is written (merge).
 * Nothing here depends on earlier rows; what the fold takes from its context (the schedule in force, an earlier
 * skipped range) is resolved when the ledger is read (occurrence-reads.ts).
 */
export interface OccurrenceRow {
  workflowId: string;
  nominalTime: number;
  /** The first event about this time: its schedule is the one the occurrence belongs to. */
  firstVersion: number;
  /** The first FireClaimed of the time (explain's schedule in force), and the first single-time skip. */
  claimVersion: number | null;
  skipVersion: number | null;
  claimedAt: number | null;
  claimedAtVersion: number;
  manual: boolean;
  manualVersion: number;
  fired: FiredFields | null;
  firedVersion: number;
  /** `claimed` at version 0 is the default of a row no outcome has touched yet. */
  outcome: 'claimed' | 'fired' | 'failed' | 'skipped';
  reason: string | null;
  outcomeVersion: number;
}

export type FiredFields = Pick<FiredData, 'firedAt' | 'recovered'> & { error: string | null; operationHandle: string | null; disposition: string | null; yieldedTo: string | null };

/** An OccurrencesSkipped range of several times: expanded under its schedule when read. */
export interface SkippedRange {
  workflowId: string;
  version: number;
  fromExclusive: number;
  toInclusive: number;
  reason: SkipReason;
}

/** A workflow event that is not about one fire (create, schedule, suspend, resume, delete): few per workflow. */
export interface CommandRow {
  workflowId: string;
  version: number;
  event: RecordedEvent;
}

export interface OccurrenceBatch {
  rows: Map<string, OccurrenceRow>;
  ranges: SkippedRange[];
  commands: CommandRow[];
}

export const emptyBatch = (): OccurrenceBatch => ({ rows: new Map(), ranges: [], commands: [] });
export const batchSize = (b: OccurrenceBatch): number => b.rows.size + b.ranges.length + b.commands.length;
const keyOf = (workflowId: string, t: number): string => `${workflowId}\u0000${t}`;

const row = (workflowId: string, nominalTime: number, version: number): OccurrenceRow => ({
  workflowId,
  nominalTime,
  firstVersion: version,
  claimVersion: null,
  skipVersion: null,
  claimedAt: null,
  claimedAtVersion: 0,
  manual: false,
  manualVersion: 0,
  fired: null,
  firedVersion: 0,
  outcome: 'claimed',
  reason: null,
  outcomeVersion: 0,
});

const minOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

/** Two writes of one row as one: each group keeps the newer version's value (see OccurrenceRow). */
export function mergeRows(a: OccurrenceRow, b: OccurrenceRow): OccurrenceRow {
  const newer = <K extends keyof OccurrenceRow>(version: 'claimedAtVersion' | 'manualVersion' | 'firedVersion' | 'outcomeVersion', ...keys: K[]) =>
    Object.fromEntries([[version, Math.max(a[version], b[version])], ...keys.map((k) => [k, b[version] > a[version] ? b[k] : a[k]])]) as Partial<OccurrenceRow>;
  return {
    ...a,
    firstVersion: Math.min(a.firstVersion, b.firstVersion),
    claimVersion: minOf(a.claimVersion, b.claimVersion),
    skipVersion: minOf(a.skipVersion, b.skipVersion),
    ...newer('claimedAtVersion', 'claimedAt'),
    ...newer('manualVersion', 'manual'),
    ...newer('firedVersion', 'fired'),
    ...newer('outcomeVersion', 'outcome', 'reason'),
  };
}

/** What the fold of the ledger takes from a fire (ledger.ts firedOutcome): the same words, kept in one place. */
export function firedOutcomeOf(d: Pick<FiredData, 'error' | 'recovered' | 'disposition'>): { outcome: 'fired' | 'failed' | 'skipped'; reason: 'overlap' | 'backlog' | null } {
  if (d.error !== undefined) return { outcome: d.recovered ? 'fired' : 'failed', reason: null };
  if (d.disposition === 'skipped-overlap') return { outcome: 'skipped', reason: 'overlap' };
  if (d.disposition === 'skipped-backlog') return { outcome: 'skipped', reason: 'backlog' };
  return { outcome: 'fired', reason: null };
}

/** Adds what one workflow event writes to the batch; events of other streams write nothing. */
export function addEvent(batch: OccurrenceBatch, e: RecordedEvent): void {
  if (!e.streamName.startsWith(WORKFLOW_STREAM_PREFIX)) return;
  const workflowId = e.streamName.slice(WORKFLOW_STREAM_PREFIX.length);
  const v = e.version;
  const put = (t: number, fields: Partial<OccurrenceRow>): void => {
    const next = { ...row(workflowId, t, v), ...fields };
    const key = keyOf(workflowId, t);
    const prev = batch.rows.get(key);
    batch.rows.set(key, prev ? mergeRows(prev, next) : next);
  };
  const ev = { type: e.type, data: e.data } as WorkflowEvent;
  switch (ev.type) {
    case 'FireClaimed':
      put(ev.data.nominalTime, { claimVersion: v, claimedAt: ev.data.claimedAt, claimedAtVersion: v, manual: ev.data.manual, manualVersion: v });
      return;
    case 'OccurrenceFired': {
      const d = ev.data;
      const fired: FiredFields = { firedAt: d.firedAt, recovered: d.recovered, error: d.error ?? null, operationHandle: d.operationHandle ?? null, disposition: d.disposition ?? null, yieldedTo: d.yieldedTo ?? null };
      put(d.nominalTime, { fired, firedVersion: v, manual: d.manual, manualVersion: v, ...firedOutcomeOf(d), outcomeVersion: v });
      return;
    }
    case 'OccurrencesSkipped': {
      const { fromExclusive, toInclusive, reason } = ev.data;
      // A claimed time is skipped as a range of one: it is skipped whether or not it is on the schedule (manual).
      if (toInclusive - fromExclusive === 1) put(toInclusive, { skipVersion: v, outcome: 'skipped', reason, outcomeVersion: v });
      else batch.ranges.push({ workflowId, version: v, fromExclusive, toInclusive, reason });
      return;
    }
    case 'WorkflowCreated':
    case 'WorkflowScheduleModified':
    case 'WorkflowSuspended':
    case 'WorkflowResumed':
    case 'WorkflowDeleted':
      batch.commands.push({ workflowId, version: v, event: e });
      return;
    default: {
      // An event of no known type writes nothing here: the read model's schema check names it (workflow-event-schema.ts).
      const never: never = ev;
      return never;
    }
  }
}
