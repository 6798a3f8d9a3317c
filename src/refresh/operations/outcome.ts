import type { RefreshOutcome } from '../../engine/index.ts';
import type { OperationState } from './state.ts';

/**
 * The ledger's word for an operation's state. Flink's CLOSED hides how the operation ended, so the state's own
 * facts decide: a cancel reason, rows written, or an error each say it.
 */
export function refreshOutcomeOf(op: OperationState): RefreshOutcome {
  const settled = op.status !== 'INITIALIZED' && op.status !== 'PENDING' && op.status !== 'RUNNING';
  const state: RefreshOutcome['state'] = !settled
    ? 'running'
    : op.cancelReason !== null || op.status === 'CANCELED'
      ? 'cancelled'
      : op.rowsWritten !== null
        ? 'succeeded'
        : op.error !== null
          ? 'failed'
          : 'cancelled'; // closed before it ended: Flink's close of a running operation cancels it
  return {
    state,
    partition: { ...op.partitions },
    rowsWritten: op.rowsWritten,
    durationMs: settled ? op.durationMs : null,
    attempts: op.attempt,
    error: state === 'cancelled' ? op.cancelReason : state === 'succeeded' ? null : op.error,
    endedAt: op.endedAt,
  };
}
