import type { Clock } from '../../clock/index.ts';
import { isTerminalStatus, type OperationEvent, type OperationLog, type OperationState, type RetryPolicy, retryDelayMs } from '../operations/index.ts';
import { SYSTEM } from './retry-loop.ts';
import type { TableState } from './table-events.ts';

export interface RecoverOperationsDeps {
  log: OperationLog;
  clock: Clock;
  retry: RetryPolicy;
  tableOf: (identifier: string) => TableState | undefined;
  onTerminal: (state: OperationState) => void;
}

/**
 * After a restart: operations that never started wait again in order; an attempt that was running when the
 * process died counts as failed — retried if it was scheduled and has attempts left, else ERROR; an operation of
 * a dropped table is abandoned. Nothing stays RUNNING with no one running it. Returns the operations to queue
 * again, oldest first.
 */
export async function recoverOperations(states: OperationState[], deps: RecoverOperationsDeps): Promise<OperationState[]> {
  const open = states.filter((s) => !isTerminalStatus(s.status)).sort((a, b) => a.submittedAt - b.submittedAt);
  const waiting: OperationState[] = [];
  for (const s of open) {
    const handle = s.operationHandle;
    if (!deps.tableOf(s.table)) {
      await deps.log.record(handle, () => [failed(s, 'The materialized table no longer exists; the refresh was abandoned.', deps.clock.now())], SYSTEM);
      continue;
    }
    if (s.status === 'RUNNING' && s.nextAttemptAt === null) {
      const message = `The refresh attempt ${s.attempt} was interrupted because freshet stopped while it ran; the table keeps its previous rows.`;
      const now = deps.clock.now();
      const retry = s.attempt < s.maxAttempts;
      const event: OperationEvent = retry
        ? { type: 'RefreshAttemptFailed', data: { operationHandle: handle, table: s.table, attempt: s.attempt, error: message, failedAt: now, retryAt: now + retryDelayMs(s.attempt, deps.retry) } }
        : failed(s, message, now);
      const after = await deps.log.record(handle, () => [event], SYSTEM);
      if (!retry) {
        deps.onTerminal(after);
        continue;
      }
    }
    waiting.push(s);
  }
  return waiting;
}

function failed(s: OperationState, message: string, now: number): OperationEvent {
  return { type: 'RefreshFailed', data: { operationHandle: s.operationHandle, table: s.table, attempt: s.attempt, error: message, failedAt: now } };
}
