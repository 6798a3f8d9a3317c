import type { PlannedPartition } from './plan.ts';

/** What a backfill does with partitions the table's refreshes already cover. */
export type Reprocess = 'none' | 'failed' | 'all';
export const REPROCESS: readonly Reprocess[] = ['none', 'failed', 'all'];

export const BACKFILL_STREAM_PREFIX = 'backfill-';
/** One event per backfill ever requested: how freshet finds them at start without reading the whole log. */
export const BACKFILL_INDEX_STREAM = 'backfills';
export const backfillStreamName = (id: string): string => `${BACKFILL_STREAM_PREFIX}${id}`;

export type PartitionOutcome = 'succeeded' | 'failed' | 'cancelled';

/** A backfill's facts, in its own stream, all at schema version 1. Instants are epoch milliseconds. */
export type BackfillEvent =
  | {
      type: 'BackfillRequested';
      data: { backfillId: string; table: string; from: number; to: number; reprocess: Reprocess; partitions: PlannedPartition[]; covered: number; requestedAt: number };
    }
  | { type: 'BackfillPartitionSubmitted'; data: { index: number; operationHandle: string; at: number } }
  | { type: 'BackfillPartitionSettled'; data: { index: number; operationHandle: string; outcome: PartitionOutcome; error: string | null; at: number } }
  | { type: 'BackfillCancelled'; data: { at: number } }
  | { type: 'BackfillFinished'; data: { at: number } };

export type BackfillStatus = 'running' | 'cancelling' | 'cancelled' | 'succeeded' | 'failed';

export interface BackfillState {
  backfillId: string;
  table: string;
  from: number;
  to: number;
  reprocess: Reprocess;
  partitions: (PlannedPartition & { operationHandle: string | null; outcome: PartitionOutcome | null; error: string | null })[];
  /** Partitions of the range left out because the table's refreshes already cover them (see Reprocess). */
  covered: number;
  requestedAt: number;
  requestedBy: string;
  cancelled: boolean;
  finishedAt: number | null;
  version: number;
}

export function evolveBackfill(state: BackfillState | undefined, event: BackfillEvent, actor: string): BackfillState | undefined {
  if (event.type === 'BackfillRequested') {
    const d = event.data;
    const partitions = d.partitions.map((p) => ({ ...p, operationHandle: null, outcome: null, error: null }));
    return { backfillId: d.backfillId, table: d.table, from: d.from, to: d.to, reprocess: d.reprocess, partitions, covered: d.covered, requestedAt: d.requestedAt, requestedBy: actor, cancelled: false, finishedAt: null, version: 1 };
  }
  if (!state) return state;
  const s = { ...state, version: state.version + 1 };
  const at = (index: number, change: Partial<BackfillState['partitions'][number]>) => s.partitions.map((p, i) => (i === index ? { ...p, ...change } : p));
  switch (event.type) {
    case 'BackfillPartitionSubmitted':
      return { ...s, partitions: at(event.data.index, { operationHandle: event.data.operationHandle }) };
    case 'BackfillPartitionSettled':
      return { ...s, partitions: at(event.data.index, { operationHandle: event.data.operationHandle, outcome: event.data.outcome, error: event.data.error }) };
    case 'BackfillCancelled':
      return { ...s, cancelled: true };
    case 'BackfillFinished':
      return { ...s, finishedAt: event.data.at };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export function statusOf(s: BackfillState): BackfillStatus {
  if (s.finishedAt === null) return s.cancelled ? 'cancelling' : 'running';
  if (s.cancelled) return 'cancelled';
  return s.partitions.every((p) => p.outcome === 'succeeded') ? 'succeeded' : 'failed';
}
