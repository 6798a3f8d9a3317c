import { scheduleOfSpec, type MemoCron, type ScheduleSpec, type WorkflowEvent } from '../workflows/index.ts';
import { blankOccurrence, type Occurrence, type OccurrenceSkipReason } from './ledger.ts';
import type { CommandRow, OccurrenceRow, SkippedRange } from './occurrence-writes.ts';

/** The read side of the indexed ledger: each store answers these from its indexes (workflow, nominal time). */
export interface OccurrenceIndex {
  /** Rows with nominal times in [from, to], in `order`, at most `limit`. */
  rows(workflowId: string, q: { from: number; to: number; order: 'asc' | 'desc'; limit: number }): Promise<OccurrenceRow[]>;
  /** Skipped ranges that reach into [from, to]. */
  ranges(workflowId: string, from: number, to: number): Promise<SkippedRange[]>;
  /** The workflow's command events, oldest first. */
  commands(workflowId: string): Promise<CommandRow[]>;
}

/** Rows read by a scan's first step: a page of the ledger is one step; later steps double, up to MAX_STEP. */
const MIN_STEP = 8;
const MAX_STEP = 2_048;
const iso = (ms: number): string => new Date(ms).toISOString();

interface Range extends SkippedRange {
  schedule: MemoCron;
}

/**
 * What the ledger's fold (ledger.ts occurrencesFromEvents) takes from a workflow's context, from its commands: the
 * schedule in force at a stream version, and the skipped ranges under the schedule each was recorded in.
 */
class Context {
  private readonly schedules: { version: number; spec: ScheduleSpec }[];
  readonly ranges: Range[];

  constructor(commands: readonly CommandRow[], ranges: readonly SkippedRange[]) {
    this.schedules = commands.flatMap(({ version, event }) => {
      const e = { type: event.type, data: event.data } as WorkflowEvent;
      return e.type === 'WorkflowCreated' || e.type === 'WorkflowScheduleModified' ? [{ version, spec: e.data as ScheduleSpec }] : [];
    });
    this.ranges = ranges.map((r) => ({ ...r, schedule: scheduleOfSpec(this.specAt(r.version)) }));
  }

  /** The schedule the fold has seen when it reaches `version` (none yet: the fold's empty default). */
  specAt(version: number): ScheduleSpec {
    let spec: ScheduleSpec = { cronExpression: '', timeZone: 'UTC' };
    for (const s of this.schedules) if (s.version < version) spec = s.spec;
    return spec;
  }

  covering(t: number): Range[] {
    return this.ranges.filter((r) => r.fromExclusive < t && t <= r.toInclusive && r.schedule.nextAfter(t - 1) === t);
  }

  resolve(t: number, row: OccurrenceRow | undefined): Occurrence {
    const covering = this.covering(t);
    const first = Math.min(row?.firstVersion ?? Infinity, ...covering.map((r) => r.version));
    const spec = this.specAt(first);
    const fired = row?.fired ?? null;
    // The outcome is the newest of the row's and the ranges' (a row no outcome touched is at version 0).
    let outcome: Occurrence['outcome'] = row?.outcome ?? 'claimed';
    let reason = (row?.reason ?? null) as OccurrenceSkipReason | null;
    let at = row?.outcomeVersion ?? 0;
    for (const r of covering) if (r.version > at) [outcome, reason, at] = ['skipped', r.reason, r.version];
    return {
      ...blankOccurrence(t, spec),
      outcome,
      reason,
      manual: row?.manual ?? false,
      recovered: fired?.recovered ?? false,
      claimedAt: row?.claimedAt == null ? null : iso(row.claimedAt),
      firedAt: fired ? iso(fired.firedAt) : null,
      latenessMs: fired ? fired.firedAt - t : null,
      error: fired?.error ?? null,
      operationHandle: fired?.operationHandle ?? null,
      disposition: fired?.disposition ?? null,
      yieldedTo: fired?.yieldedTo ?? null,
    };
  }
}

/** The nominal times of `r` in [lo, hi] nearest the end the scan starts from, at most `max`. */
function rangeTimes(r: Range, lo: number, hi: number, descending: boolean, max: number): number[] {
  const from = Math.max(lo, r.fromExclusive + 1);
  const to = Math.min(hi, r.toInclusive);
  const times: number[] = [];
  if (from > to) return times;
  if (descending) for (let t = r.schedule.lastAtOrBefore(to); t !== null && t >= from && times.length < max; t = r.schedule.lastAtOrBefore(t - 1)) times.push(t);
  else for (let t = r.schedule.nextAfter(from - 1); t !== null && t <= to && times.length < max; t = r.schedule.nextAfter(t)) times.push(t);
  return times;
}

/**
 * The ledger of one workflow for nominal times in [from, to], in steps from one end, each step a few indexed reads:
 * rows, and the times of skipped ranges expanded only as far as the step reaches. A step is exact up to its
 * boundary: the farthest row it read when it read a full step (more rows may lie beyond), or the farthest range
 * time when a range had more times than a step.
 */
export async function* scanLedger(index: OccurrenceIndex, workflowId: string, q: { from: number; to: number; descending: boolean; step?: number }): AsyncGenerator<Occurrence[]> {
  const context = new Context(await index.commands(workflowId), await index.ranges(workflowId, q.from, q.to));
  let { from: lo, to: hi } = q;
  for (let step = Math.min(MAX_STEP, Math.max(MIN_STEP, q.step ?? MIN_STEP)); lo <= hi; step = Math.min(MAX_STEP, step * 2)) {
    const rows = await index.rows(workflowId, { from: lo, to: hi, order: q.descending ? 'desc' : 'asc', limit: step });
    let boundary = rows.length === step ? rows[step - 1]!.nominalTime : q.descending ? lo : hi;
    let done = rows.length < step;
    const times = new Set(rows.map((r) => r.nominalTime));
    for (const r of context.ranges) {
      const found = q.descending ? rangeTimes(r, boundary, hi, true, step) : rangeTimes(r, lo, boundary, false, step);
      if (found.length === step) {
        boundary = q.descending ? Math.max(boundary, found[step - 1]!) : Math.min(boundary, found[step - 1]!);
        done = false;
      }
      for (const t of found) times.add(t);
    }
    const byTime = new Map(rows.map((r) => [r.nominalTime, r]));
    const inStep = [...times].filter((t) => (q.descending ? t >= boundary : t <= boundary)).sort((a, b) => (q.descending ? b - a : a - b));
    yield inStep.map((t) => context.resolve(t, byTime.get(t)));
    if (done) return;
    if (q.descending) hi = boundary - 1;
    else lo = boundary + 1;
  }
}

/**
 * The ledger's entry for one instant (null: none), with what it was resolved from — its row, the skipped ranges
 * reaching the instant (on their schedule or not), the workflow's commands — for a caller (explain) that needs those
 * too: each read once.
 */
export async function entryAt(
  index: OccurrenceIndex,
  workflowId: string,
  t: number,
): Promise<{ occurrence: Occurrence | null; row: OccurrenceRow | undefined; ranges: SkippedRange[]; commands: CommandRow[] }> {
  const commands = await index.commands(workflowId);
  const ranges = (await index.ranges(workflowId, t, t)).filter((r) => r.fromExclusive < t && t <= r.toInclusive);
  const [row] = await index.rows(workflowId, { from: t, to: t, order: 'asc', limit: 1 });
  const context = new Context(commands, ranges);
  // As a scan of [t, t] finds it: a row, or a skipped range that has t on its schedule.
  const occurrence = row !== undefined || context.covering(t).length > 0 ? context.resolve(t, row) : null;
  return { occurrence, row, ranges, commands };
}

/**
 * Up to `limit` occurrences from one end of [from, to] that `keep` accepts after `join` (the refresh outcomes), and
 * whether another follows. A filter that keeps few rows reads on until it has them or the range ends.
 */
export async function takeLedger(
  index: OccurrenceIndex,
  workflowId: string,
  q: { from: number; to: number; descending: boolean; limit: number },
  join: (fires: Occurrence[]) => Promise<Occurrence[]>,
  keep: (o: Occurrence) => boolean = () => true,
): Promise<{ items: Occurrence[]; more: boolean }> {
  const items: Occurrence[] = [];
  for await (const step of scanLedger(index, workflowId, { ...q, step: q.limit + 1 })) {
    const wanted = q.limit + 1 - items.length;
    // Joined a slice at a time: a step of 256 joined whole for a page of 1 would ask the refresh side for nothing.
    for (let i = 0; i < step.length && items.length <= q.limit; i += wanted) items.push(...(await join(step.slice(i, i + wanted))).filter(keep));
    if (items.length > q.limit) return { items: items.slice(0, q.limit), more: true };
  }
  return { items, more: false };
}
