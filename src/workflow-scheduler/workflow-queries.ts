import { type EventStore, type RecordedEvent, StreamNotFoundError } from '../events/index.ts';

/** Events of a nominal time are decided no earlier than this before it (claim lead, clock steps): generous. */
const DECISION_MARGIN_MS = 60_000;
import type { RefreshTrigger } from '../engine/index.ts';
import { WorkflowError, workflowStreamName } from '../workflows/index.ts';
import {
  type HistoryEntry,
  type Occurrence,
  explainInstant,
  type Explanation,
  occurrencesFromEvents,
  toHistoryEntry,
  withRefreshOutcomes,
  type WorkflowInfo,
  workflowAsOf,
  type WorkflowProjection,
} from '../projections/index.ts';

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
    const all = this.projection
      .list()
      .filter((w) => (q.status ? w.status === q.status : true))
      .filter((w) => (q.table ? w.materializedTableIdentifier === q.table || w.materializedTableIdentifier.replaceAll('`', '') === q.table : true))
      .sort((a, b) => a.creationTime.localeCompare(b.creationTime) || a.workflowId.localeCompare(b.workflowId));
    const offset = q.offset ?? 0;
    return { items: all.slice(offset, offset + (q.limit ?? 100)), total: all.length };
  }

  async history(id: string): Promise<HistoryEntry[]> {
    return (await this.events(id)).map(toHistoryEntry);
  }

  /** The workflow as it stood at `instant`; WORKFLOW_NOT_FOUND if it did not exist yet. */
  async asOf(id: string, instant: number): Promise<WorkflowInfo> {
    const info = workflowAsOf(await this.events(id), instant);
    if (!info) throw new WorkflowError('WORKFLOW_NOT_FOUND', `Workflow '${id}' did not exist at ${new Date(instant).toISOString()}.`);
    return info;
  }

  async occurrences(id: string, q: { from: number; to: number; limit?: number }): Promise<Occurrence[]> {
    return this.joined(occurrencesFromEvents(await this.events(id), { from: q.from, to: q.to, limit: q.limit ?? 1000 }));
  }

  /**
   * The newest `limit` occurrences with nominal times in [from, to] (oldest first), and whether older ones exist
   * in the range, reading the stream backwards only as far as they need: the events of a nominal time t are all
   * decided at or after t minus the claim lead, so once the read passes an event decided before the newest-`limit`
   * time (minus a margin), nothing older can change the answer. The schedule in force over that tail is the read
   * model's, which holds while the tail has no schedule event and the read model has seen the events before it;
   * otherwise the whole stream is read, as `occurrences` does.
   */
  async newestOccurrences(id: string, q: { from: number; to: number; limit: number }): Promise<{ items: Occurrence[]; more: boolean }> {
    const info = this.projection.get(id);
    const stream = workflowStreamName(id);
    let tail: RecordedEvent[] = [];
    for (let pageSize = Math.max(256, 4 * q.limit); ; pageSize *= 2) {
      const oldest = tail[0];
      if (oldest?.version === 1) break; // the whole stream: the plain fold below
      const page = await this.store.readStream(stream, { direction: 'backwards', maxCount: pageSize, ...(oldest ? { fromVersion: oldest.version - 1 } : {}) }).catch((e: unknown) => {
        if (e instanceof StreamNotFoundError) throw new WorkflowError('WORKFLOW_NOT_FOUND', `Workflow '${id}' does not exist.`);
        throw e;
      });
      if (page.length === 0) break;
      tail = [...page.reverse(), ...tail];
      const first = tail[0]!;
      if (first.version === 1) break;
      if (!info || info.version < first.version - 1 || tail.some((e) => e.type === 'WorkflowCreated' || e.type === 'WorkflowScheduleModified')) {
        tail = await this.events(id);
        break;
      }
      const schedule = { type: 'WorkflowScheduleModified', data: { cronExpression: info.cronExpression, timeZone: info.timeZone, ...(info.cronDialect === 'unix' ? { cronDialect: 'unix' } : {}) } } as RecordedEvent;
      const fires = occurrencesFromEvents([schedule, ...tail], { from: q.from, to: q.to, limit: Number.MAX_SAFE_INTEGER });
      const decided = Date.parse(first.metadata.occurredAt);
      const bound = fires.length > q.limit ? Date.parse(fires[fires.length - q.limit - 1]!.nominalTime) : q.from;
      if (decided < bound - DECISION_MARGIN_MS) return { items: await this.joined(fires.slice(-q.limit)), more: fires.length > q.limit };
    }
    const fires = occurrencesFromEvents(tail, { from: q.from, to: q.to, limit: Number.MAX_SAFE_INTEGER });
    return { items: await this.joined(fires.slice(-q.limit)), more: fires.length > q.limit };
  }

  /** Why the workflow fired or did not at `instant`, from its log (and its refresh's, through the trigger). */
  async explain(id: string, instant: number): Promise<Explanation> {
    const events = await this.events(id);
    const [occurrence] = await this.joined(occurrencesFromEvents(events, { from: instant, to: instant, limit: 1 }));
    return explainInstant(events, instant, occurrence ?? null);
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
      if (error instanceof StreamNotFoundError) throw new WorkflowError('WORKFLOW_NOT_FOUND', `Workflow '${id}' does not exist.`);
      throw error;
    }
  }
}
