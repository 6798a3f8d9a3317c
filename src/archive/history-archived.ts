import type { RecordedEvent } from '../events/index.ts';

/** The archive's own stream: one HistoryArchived event per archive run, appended with its expected version. */
export const ARCHIVE_STREAM = 'freshet-history-archive';
export const HISTORY_ARCHIVED = 'HistoryArchived';
export const HISTORY_ARCHIVED_SCHEMA_VERSION = 1;

/** What was archived of one workflow's fires: the ledger's summary of the range, kept in the log for audits. */
export interface ArchivedLedgerSummary {
  workflowId: string;
  events: number;
  /** Nominal times of the archived fire events (epoch ms), oldest and newest. */
  fromNominal: number | null;
  toNominal: number | null;
  claimed: number;
  fired: number;
  failed: number;
  skippedRanges: number;
}

/**
 * Deleting history is an event: which file holds the removed events, which positions were removed (as ranges
 * [lo, hi], inclusive), how many of which streams, under what policy and cutoff. The actor and reason are in the
 * envelope's metadata.
 */
export interface HistoryArchivedData {
  file: string;
  /** SHA-256 of the file's bytes (gzip'd NDJSON). */
  sha256: string;
  bytes: number;
  events: number;
  ranges: [number, number][];
  fromPosition: number;
  toPosition: number;
  /** Default cutoff (ISO-8601): fire-level events recorded before it went, unless their workflow says otherwise. */
  cutoff: string | null;
  retention: { defaultMs: number | null; perWorkflow: Record<string, number | null> };
  workflows: ArchivedLedgerSummary[];
  operationStreams: number;
  archivedAt: number;
}

export const isHistoryArchived = (e: RecordedEvent): e is RecordedEvent<string, HistoryArchivedData> => e.streamName === ARCHIVE_STREAM && e.type === HISTORY_ARCHIVED;

/** Sorted positions as inclusive runs: a day of fires is a few runs, between the commands kept. */
export function toRanges(sorted: readonly number[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const p of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && p === last[1] + 1) last[1] = p;
    else ranges.push([p, p]);
  }
  return ranges;
}

export const rangesCount = (ranges: readonly [number, number][]): number => ranges.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);

/** Whether `position` is in the sorted ranges (binary search). */
export function inRanges(ranges: readonly [number, number][], position: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = ranges[mid]!;
    if (position < a) hi = mid - 1;
    else if (position > b) lo = mid + 1;
    else return true;
  }
  return false;
}
