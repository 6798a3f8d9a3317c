import { setImmediate } from 'node:timers/promises';
import type { RecordedEvent } from '../events/index.ts';
import { OPERATION_STREAM_PREFIX } from '../refresh/index.ts';
import { evolve, WORKFLOW_STREAM_PREFIX, type WorkflowEvent, type WorkflowState } from '../workflows/index.ts';
import type { ArchivedLedgerSummary } from './history-archived.ts';
import { cutoffFor, type Retention } from './retention.ts';

/** The fire-level events of a workflow stream; the rest of it (create, suspend, resume, modify, delete) stays. */
export const FIRE_EVENT_TYPES: readonly string[] = ['FireClaimed', 'OccurrenceFired', 'OccurrencesSkipped'];
/** The longest the choice runs without letting the event loop turn. */
const YIELD_EVERY_MS = 10;
const ENDED = new Set(['RefreshFinished', 'RefreshFailed', 'RefreshTimedOut', 'RefreshCanceled']);

export interface Selection {
  /** Newly archived, in position order. */
  events: RecordedEvent[];
  workflows: ArchivedLedgerSummary[];
  operationStreams: number;
}

/** A workflow stream's fold, as the engine restores it at start: state and version, as JSON to compare. */
function foldImage(events: readonly RecordedEvent[]): string {
  let state: WorkflowState | undefined;
  for (const e of events) state = evolve(state, { type: e.type, data: e.data } as WorkflowEvent, e.metadata);
  return JSON.stringify({ state, version: events[events.length - 1]?.version ?? 0 });
}

/**
 * The old fire events of one workflow stream that can go without changing what the engine folds from the stream
 * at its next start: its state (cursor, pending claims, last fire, failures in a row) and its version. Usually all
 * of them (the newest fires are younger than the cutoff); when the state leans on old ones — a run of failed fires,
 * a claim without outcome, a workflow idle for longer than the retention — the newest of them are kept, as few as
 * give the same fold. The stream's newest event always stays: its version is the workflow's.
 */
function removableOfWorkflow(events: readonly RecordedEvent[], cutoff: number, gone: (e: RecordedEvent) => boolean): RecordedEvent[] {
  const newest = events[events.length - 1];
  const old = events.filter((e) => e !== newest && !gone(e) && FIRE_EVENT_TYPES.includes(e.type) && Date.parse(e.recordedAt) < cutoff);
  if (old.length === 0) return [];
  const full = foldImage(events);
  for (let keep = 0; keep < old.length; keep = keep === 0 ? 1 : keep * 2) {
    const removed = new Set(old.slice(0, old.length - keep));
    if (foldImage(events.filter((e) => !removed.has(e) && !gone(e))) === full) return old.slice(0, old.length - keep);
  }
  return [];
}

function ledgerSummary(workflowId: string, events: readonly RecordedEvent[]): ArchivedLedgerSummary {
  const summary: ArchivedLedgerSummary = { workflowId, events: events.length, fromNominal: null, toNominal: null, claimed: 0, fired: 0, failed: 0, skippedRanges: 0 };
  for (const e of events) {
    const data = e.data as { nominalTime?: number; toInclusive?: number; error?: string };
    const t = data.nominalTime ?? data.toInclusive;
    if (t !== undefined) {
      summary.fromNominal = Math.min(summary.fromNominal ?? t, t);
      summary.toNominal = Math.max(summary.toNominal ?? t, t);
    }
    if (e.type === 'FireClaimed') summary.claimed++;
    else if (e.type === 'OccurrencesSkipped') summary.skippedRanges++;
    else if (data.error !== undefined) summary.failed++;
    else summary.fired++;
  }
  return summary;
}

/**
 * Picks what an archive run removes from the log's workflow and operation streams (`streams`, each in version
 * order): old fire-level events of workflow streams (see removableOfWorkflow) and whole operation streams of
 * scheduled refreshes that ended before the cutoff of their workflow. Never a command: workflow commands, table
 * streams, refreshes a user asked for (manual) and the archive's own records all stay. `gone`: events an earlier
 * run archived whose removal was interrupted; they are removed again, never archived twice.
 */
export async function selectArchivable(streams: ReadonlyMap<string, readonly RecordedEvent[]>, retention: Retention, now: number, gone: (e: RecordedEvent) => boolean): Promise<Selection> {
  const chosen: RecordedEvent[] = [];
  const workflows: ArchivedLedgerSummary[] = [];
  let operationStreams = 0;
  let since = performance.now();
  for (const [stream, events] of streams) {
    // A run beside a serving freshet: its timers fire between slices of the choice, not after all of it.
    if (performance.now() - since > YIELD_EVERY_MS) {
      await setImmediate();
      since = performance.now();
    }
    if (stream.startsWith(WORKFLOW_STREAM_PREFIX)) {
      const id = stream.slice(WORKFLOW_STREAM_PREFIX.length);
      const cutoff = cutoffFor(retention, id, now);
      const removable = cutoff === undefined ? [] : removableOfWorkflow(events, cutoff, gone);
      if (removable.length > 0) {
        chosen.push(...removable);
        workflows.push(ledgerSummary(id, removable));
      }
    } else if (stream.startsWith(OPERATION_STREAM_PREFIX)) {
      const submitted = events.find((e) => e.type === 'RefreshSubmitted')?.data as { workflowId: string | null; manual: boolean } | undefined;
      if (!submitted || submitted.manual || !events.some((e) => ENDED.has(e.type))) continue;
      const cutoff = cutoffFor(retention, submitted.workflowId, now);
      const last = events[events.length - 1]!;
      if (cutoff === undefined || !(Date.parse(last.recordedAt) < cutoff)) continue;
      const fresh = events.filter((e) => !gone(e));
      if (fresh.length === 0) continue;
      chosen.push(...fresh);
      operationStreams++;
    }
  }
  chosen.sort((a, b) => a.position - b.position);
  return { events: chosen, workflows: workflows.sort((a, b) => a.workflowId.localeCompare(b.workflowId)), operationStreams };
}
