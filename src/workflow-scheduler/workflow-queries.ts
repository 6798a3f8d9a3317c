import { type EventStore, type RecordedEvent, StreamNotFoundError } from '../events/index.ts';
import type { RefreshTrigger } from '../engine/index.ts';
import { WorkflowError, workflowStreamName } from '../workflows/index.ts';
import {
  type HistoryEntry,
  type Occurrence,
  type OccurrenceIndex,
  type OccurrenceOutcome,
  entryAt,
  explainInstant,
  type Explanation,
  takeLedger,
  toHistoryEntry,
  withRefreshOutcomes,
  type WorkflowInfo,
  workflowAsOf,
  type WorkflowProjection,
} from '../projections/index.ts';
import { eventAt, scanVersions, versionAtTime } from './stream-reads.ts';

/** A page cut as api/paging.ts cuts one: items in `order`, and the cursors each way (null: nothing more). */
export interface Page<T> {
  items: T[];
  older: number | null;
  newer: number | null;
}

interface PageCursor {
  order: 'newest' | 'oldest';
  limit: number;
  before?: number;
  after?: number;
}

export interface HistoryQuery extends PageCursor {
  types?: readonly string[];
  /** Recorded at or after / at or before (epoch ms). */
  from?: number;
  to?: number;
}

export interface LedgerPageQuery extends PageCursor {
  from: number;
  to: number;
  outcome?: OccurrenceOutcome;
}

/**
 * A page cut as api/paging.ts pageOf cuts one from the whole of [lo, hi], without reading the whole: `take` answers
 * the items of a range nearest one end; the page is taken next to the cursor, then one probe each way says whether
 * more exists beyond it.
 */
async function cutPage<T>(q: PageCursor, lo: number, hi: number, keyOf: (item: T) => number, take: (from: number, to: number, descending: boolean, limit: number) => Promise<T[]>): Promise<Page<T>> {
  const fromStart = q.before === undefined && q.after !== undefined ? true : q.after === undefined && q.before !== undefined ? false : q.order === 'oldest';
  const inLo = Math.max(lo, q.after === undefined ? lo : q.after + 1);
  const inHi = Math.min(hi, q.before === undefined ? hi : q.before - 1);
  const picked = inLo > inHi ? [] : await take(inLo, inHi, !fromStart, q.limit);
  const chosen = fromStart ? picked : picked.reverse();
  const first = chosen[0];
  const last = chosen.at(-1);
  const beyond = async (from: number, to: number, descending: boolean): Promise<boolean> => from <= to && (await take(from, to, descending, 1)).length > 0;
  const older = first !== undefined && (await beyond(lo, keyOf(first) - 1, true)) ? keyOf(first) : null;
  const newer = last !== undefined && (await beyond(keyOf(last) + 1, hi, false)) ? keyOf(last) : null;
  return { items: q.order === 'newest' ? chosen.reverse() : chosen, older, newer };
}

const COMMAND_TYPES = new Set(['WorkflowCreated', 'WorkflowScheduleModified', 'WorkflowSuspended', 'WorkflowResumed', 'WorkflowDeleted']);
const notFound = (id: string): WorkflowError => new WorkflowError('WORKFLOW_NOT_FOUND', `Workflow '${id}' does not exist.`);

export interface WorkflowListQuery {
  status?: WorkflowInfo['status'];
  /** Matches the table identifier exactly, in its serializable or summary form. */
  table?: string;
  offset?: number;
  limit?: number;
}

/** Read side of freshet's own API: answered from the read model, or from the workflow's stream for audits. */
export class WorkflowQueries {
  constructor(
    private readonly store: EventStore,
    private readonly projection: WorkflowProjection,
    /** Where fires went: the ledger asks it what became of each refresh. */
    private readonly trigger?: Pick<RefreshTrigger, 'outcomes'>,
  ) {}

  get(id: string): WorkflowInfo {
    const info = this.projection.get(id);
    if (!info) throw new WorkflowError('WORKFLOW_NOT_FOUND', `Workflow '${id}' does not exist.`);
    return info;
  }

  list(q: WorkflowListQuery = {}): { items: WorkflowInfo[]; total: number } {
    return this.projection.page({ ...(q.status ? { status: q.status } : {}), ...(q.table ? { table: q.table } : {}), offset: q.offset ?? 0, limit: q.limit ?? 100 });
  }

  /**
   * A page of the workflow's events, as the history route pages them (api/paging.ts pageOf): read in chunks from
   * the cursor, never the whole stream. Command types alone are read from the read model's index of them; a time
   * window is found by bisection on commit times.
   */
  async historyPage(id: string, q: HistoryQuery): Promise<Page<HistoryEntry>> {
    const stream = workflowStreamName(id);
    const head = await this.store.streamVersion(stream);
    if (head === 0) throw notFound(id);
    const lo = q.from === undefined ? 1 : (await versionAtTime(this.store, stream, head, q.from, false)) + 1;
    const hi = q.to === undefined ? head : await versionAtTime(this.store, stream, head, q.to, true);
    const keep = (e: RecordedEvent): boolean => (q.types === undefined || q.types.includes(e.type)) && e.version >= lo && e.version <= hi;
    // Command types alone come from the read model's index of them, read once for the page and its probes.
    let commands: Promise<RecordedEvent[]> | undefined;
    const commandsOnly = q.types !== undefined && q.types.every((t) => COMMAND_TYPES.has(t));
    const take = async (from: number, to: number, descending: boolean, limit: number): Promise<RecordedEvent[]> => {
      if (commandsOnly) {
        commands ??= this.ledgerIndex(id).then(async ({ index }) => (await index.commands(id)).map((c) => c.event));
        const found = (await commands).filter((e) => keep(e) && e.version >= from && e.version <= to);
        return (descending ? found.reverse() : found).slice(0, limit);
      }
      const out: RecordedEvent[] = [];
      for await (const chunk of scanVersions(this.store, stream, { lo: from, hi: to, descending, chunk: Math.min(1_000, Math.max(64, limit * 2)) })) {
        out.push(...chunk.filter(keep));
        if (out.length >= limit) break;
      }
      return out.slice(0, limit);
    };
    const page = await cutPage(q, lo, hi, (e) => e.version, take);
    return { ...page, items: page.items.map(toHistoryEntry) };
  }

  /** The workflow as it stood at `instant`; WORKFLOW_NOT_FOUND if it did not exist yet. */
  async asOf(id: string, instant: number): Promise<WorkflowInfo> {
    const info = workflowAsOf(await this.events(id), instant);
    if (!info) throw new WorkflowError('WORKFLOW_NOT_FOUND', `Workflow '${id}' did not exist at ${new Date(instant).toISOString()}.`);
    return info;
  }

  /** Occurrences with nominal times in [from, to], oldest first, at most `limit`. */
  async occurrences(id: string, q: { from: number; to: number; limit?: number }): Promise<Occurrence[]> {
    const { index } = await this.ledgerIndex(id);
    return (await takeLedger(index, id, { from: q.from, to: q.to, descending: false, limit: q.limit ?? 1000 }, (f) => this.joined(f))).items;
  }

  /** The newest `limit` occurrences with nominal times in [from, to] (oldest first), and whether older ones exist. */
  async newestOccurrences(id: string, q: { from: number; to: number; limit: number }): Promise<{ items: Occurrence[]; more: boolean }> {
    const { index } = await this.ledgerIndex(id);
    const page = await takeLedger(index, id, { from: q.from, to: q.to, descending: true, limit: q.limit }, (f) => this.joined(f));
    return { items: page.items.reverse(), more: page.more };
  }

  /**
   * A page of the ledger, as api/paging.ts pageOf would cut it from the whole range, from the indexed ledger: the
   * page and one probe each way. A filter on an outcome reads on until it has the page (or the range ends).
   */
  async ledgerPage(id: string, q: LedgerPageQuery): Promise<Page<Occurrence>> {
    const { index } = await this.ledgerIndex(id);
    const keep = (o: Occurrence): boolean => q.outcome === undefined || o.outcome === q.outcome;
    const take = async (from: number, to: number, descending: boolean, limit: number) => (await takeLedger(index, id, { from, to, descending, limit }, (f) => this.joined(f), keep)).items;
    return cutPage(q, q.from, q.to, (o) => Date.parse(o.nominalTime), take);
  }

  /**
   * Why the workflow fired or did not at `instant`, from its log (and its refresh's, through the trigger). Reads
   * only what explainInstant looks at: the workflow's commands (indexed), the ledger's row for the instant, the
   * events that claimed or skipped it, and the last events recorded before it (by bisection).
   */
  async explain(id: string, instant: number): Promise<Explanation> {
    const stream = workflowStreamName(id);
    const { index, head } = await this.ledgerIndex(id);
    const { occurrence, row, ranges, commands } = await entryAt(index, id, instant);
    const [joined] = occurrence ? await this.joined([occurrence]) : [];
    const before = await versionAtTime(this.store, stream, head, instant, false);
    // The event before the last one too: explain passes over the skip that settled the instant when it looks back.
    const versions = [row?.claimVersion, row?.skipVersion, ...ranges.map((r) => r.version), before, before - 1].filter((v): v is number => v !== null && v !== undefined && v > 0);
    const byVersion = new Map(commands.map((c) => [c.version, c.event]));
    for (const v of new Set(versions)) {
      if (byVersion.has(v)) continue;
      const e = await eventAt(this.store, stream, v);
      if (e) byVersion.set(v, e);
    }
    const events = [...byVersion.values()].sort((a, b) => a.version - b.version);
    return explainInstant(events, instant, joined ?? null);
  }

  /**
   * The indexed ledger once it holds every event of the workflow's stream committed before this call, and the
   * stream's version then.
   */
  private async ledgerIndex(id: string): Promise<{ index: OccurrenceIndex; head: number }> {
    const [last] = await this.store.readStream(workflowStreamName(id), { direction: 'backwards', maxCount: 1 }).catch((e: unknown) => {
      throw e instanceof StreamNotFoundError ? notFound(id) : e;
    });
    if (last) await this.projection.waitFor(last.position);
    return { index: await this.projection.ledgerIndex(), head: last?.version ?? 0 };
  }

  private async joined(fires: Occurrence[]): Promise<Occurrence[]> {
    const handles = fires.flatMap((o) => (o.operationHandle === null ? [] : [o.operationHandle]));
    if (handles.length === 0 || !this.trigger?.outcomes) return fires;
    return withRefreshOutcomes(fires, await this.trigger.outcomes(handles));
  }

  private async events(id: string) {
    try {
      return await this.store.readStream(workflowStreamName(id));
    } catch (error) {
      if (error instanceof StreamNotFoundError) throw notFound(id);
      throw error;
    }
  }
}
