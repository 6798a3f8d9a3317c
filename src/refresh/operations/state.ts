import { nextOperationStatus, type OperationMachineEvent } from './machine.ts';
import type { OperationStatus } from './status.ts';
import type { OperationEvent, RefreshSubmittedData } from './events.ts';

/** One operation as its events leave it. */
export interface OperationState extends RefreshSubmittedData {
  status: OperationStatus;
  /** The attempt running or last run (0 before the first). */
  attempt: number;
  /** Attempts that failed and were retried. */
  retryCount: number;
  startedAt: number | null;
  endedAt: number | null;
  /** From the first attempt's start to the end. */
  durationMs: number | null;
  rowsWritten: number | null;
  rowsDeleted: number | null;
  error: string | null;
  /** While waiting to retry: when the next attempt starts. */
  nextAttemptAt: number | null;
  cancelReason: string | null;
  /** Stream version this state was folded from. */
  version: number;
}

const move = (s: OperationState, event: OperationMachineEvent): OperationStatus => nextOperationStatus(s.status, event, s.operationHandle);

/**
 * Folds one event; every status change goes through the operation machine, so a history Flink would call illegal
 * throws instead of producing a state.
 */
export function evolveOperation(state: OperationState | undefined, event: OperationEvent): OperationState {
  if (event.type === 'RefreshSubmitted') {
    if (state) throw new Error(`Operation ${event.data.operationHandle} was already submitted.`);
    return {
      ...event.data,
      status: nextOperationStatus('INITIALIZED', { type: 'SUBMIT' }, event.data.operationHandle),
      attempt: 0,
      retryCount: 0,
      startedAt: null,
      endedAt: null,
      durationMs: null,
      rowsWritten: null,
      rowsDeleted: null,
      error: null,
      nextAttemptAt: null,
      cancelReason: null,
      version: 1,
    };
  }
  if (!state) throw new Error(`Operation ${event.data.operationHandle} has no RefreshSubmitted event.`);
  // One copy per event (a start folding a million operations makes three million of them): each case spreads the
  // state once with its changes and the next version.
  const s = state;
  const version = s.version + 1;
  const durationTo = (at: number) => (s.startedAt === null ? 0 : at - s.startedAt);
  switch (event.type) {
    case 'RefreshAttemptStarted': {
      const d = event.data;
      // A retry starts while RUNNING: Flink has no RUNNING→PENDING, so the operation stays RUNNING between attempts.
      const retry = s.status === 'RUNNING' && s.nextAttemptAt !== null;
      const status = retry ? s.status : move(s, { type: 'START' });
      return { ...s, version, status, attempt: d.attempt, startedAt: s.startedAt ?? d.startedAt, nextAttemptAt: null };
    }
    case 'RefreshAttemptFailed':
      if (s.status !== 'RUNNING') throw new Error(`Operation ${s.operationHandle} is ${s.status}; only a RUNNING attempt can fail and retry.`);
      return { ...s, version, retryCount: s.retryCount + 1, error: event.data.error, nextAttemptAt: event.data.retryAt };
    case 'RefreshFinished': {
      const at = event.data.finishedAt;
      return { ...s, version, status: move(s, { type: 'FINISH' }), endedAt: at, durationMs: durationTo(at), nextAttemptAt: null, rowsWritten: event.data.rowsWritten, rowsDeleted: event.data.rowsDeleted, error: null };
    }
    case 'RefreshFailed': {
      const at = event.data.failedAt;
      return { ...s, version, status: move(s, { type: 'FAIL' }), endedAt: at, durationMs: durationTo(at), nextAttemptAt: null, error: event.data.error };
    }
    case 'RefreshTimedOut': {
      const at = event.data.failedAt;
      return { ...s, version, status: move(s, { type: 'TIME_OUT' }), endedAt: at, durationMs: durationTo(at), nextAttemptAt: null, error: event.data.error };
    }
    case 'RefreshCanceled': {
      const at = event.data.canceledAt;
      return { ...s, version, status: move(s, { type: 'CANCEL' }), endedAt: at, durationMs: durationTo(at), nextAttemptAt: null, cancelReason: event.data.reason };
    }
    case 'RefreshClosed':
      return { ...s, version, status: move(s, { type: 'CLOSE' }), endedAt: s.endedAt ?? event.data.closedAt };
    default: {
      const never: never = event;
      throw new Error(`Unknown operation event ${JSON.stringify(never)}`);
    }
  }
}
