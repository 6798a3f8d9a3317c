import type { OperationHandle, RefreshKind } from '../operations/index.ts';
import type { FireDisposition } from '../../workflows/index.ts';
import { FlinkValidationError } from '../flink/index.ts';
import { OVERLAP_POLICIES, type OverlapPolicy } from './types.ts';

/** One table's refreshes: at most one runs (so no two ever write the same partition at once), the rest wait. */
export interface Lane {
  running: OperationHandle | null;
  queue: OperationHandle[];
}

export interface Admission {
  disposition: FireDisposition;
  /** Operations to cancel first (cancel-other). */
  cancel: OperationHandle[];
  /** Whether the new operation joins the lane (runs now or waits). */
  admit: boolean;
}

/**
 * Scheduled refreshes one table may have waiting. A table whose refresh takes longer than its schedule's period
 * would otherwise queue without end under `buffer-all` (memory grew 330 MB → 3 GB in an hour at 2,000 such
 * tables): past this many, a fire is skipped, and the ledger says so (`skipped-backlog`). One-time refreshes
 * (a user's ALTER … REFRESH) always wait their turn.
 */
export const MAX_WAITING = 100;

/** What the table's overlap policy does with a new request, given what its lane holds. Pure. */
export function admit(lane: Lane, policy: OverlapPolicy, kind: RefreshKind): Admission {
  const busy = lane.running !== null || lane.queue.length > 0;
  if (!busy) return { disposition: 'started', cancel: [], admit: true };
  if (kind === 'one-time') return { disposition: 'queued', cancel: [], admit: true };
  if (lane.queue.length >= MAX_WAITING && policy !== 'cancel-other') return { disposition: 'skipped-backlog', cancel: [], admit: false };
  switch (policy) {
    case 'skip':
      return { disposition: 'skipped-overlap', cancel: [], admit: false };
    case 'buffer-one':
      return lane.queue.length === 0 ? { disposition: 'queued', cancel: [], admit: true } : { disposition: 'skipped-overlap', cancel: [], admit: false };
    case 'buffer-all':
      return { disposition: 'queued', cancel: [], admit: true };
    case 'cancel-other':
      return { disposition: 'cancelled-other', cancel: [...(lane.running ? [lane.running] : []), ...lane.queue], admit: true };
    default: {
      const never: never = policy;
      throw new Error(`Unknown overlap policy ${String(never)}`);
    }
  }
}

export function checkPolicy(value: string, where: string): OverlapPolicy {
  if ((OVERLAP_POLICIES as readonly string[]).includes(value)) return value as OverlapPolicy;
  throw new FlinkValidationError(`Unknown overlap policy '${value}' in ${where}: use one of ${OVERLAP_POLICIES.map((p) => `'${p}'`).join(', ')}.`);
}
