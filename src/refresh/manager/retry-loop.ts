import { firstValueFrom, fromEvent, takeUntil } from 'rxjs';
import type { Clock } from '../../clock/index.ts';
import type { CommandContext } from '../../events/index.ts';
import { timerAt } from '../../engine/index.ts';
import { isTerminalStatus, type OperationEvent, type OperationHandle, type OperationLog, type OperationState, type RetryPolicy, retryDelayMs } from '../operations/index.ts';
import type { AttemptOutcome } from './refresh-attempt.ts';

export const SYSTEM: CommandContext = { actor: 'freshet-refresh', correlationId: 'freshet-refresh' };

/** Where a run stands: its latest recorded state, and a first attempt started before it was recorded (if unconsumed). */
export interface RunCursor {
  state: OperationState;
  early: Promise<AttemptOutcome> | undefined;
}

export interface RetryLoopDeps {
  log: OperationLog;
  clock: Clock;
  retry: RetryPolicy;
  stopping: () => boolean;
  /** Set when a stop cut running attempts after its grace period (undefined otherwise). */
  interruptedAt?: () => number | undefined;
  attempt: (state: OperationState, signal: AbortSignal) => Promise<AttemptOutcome>;
}

/**
 * An operation's attempts until it ends: wait for the next attempt's time, record its start (unless `startRecorded`),
 * run it, then record FINISHED, a failed attempt with its retry time (attempts left, not stopping), or the final
 * failure; a cancel (`cancelReason` set and `signal` aborted) is recorded as CANCELED. `cursor` follows along,
 * so the caller knows the last state even when a record throws.
 */
export async function runAttempts(handle: OperationHandle, cursor: RunCursor, signal: AbortSignal, cancelReason: () => string | undefined, startRecorded: boolean, deps: RetryLoopDeps): Promise<void> {
  const { log, clock } = deps;
  const record = async (build: (s: OperationState) => OperationEvent[]): Promise<void> => {
    cursor.state = await log.record(handle, () => build(cursor.state), SYSTEM);
  };
  let recorded = startRecorded;
  let inFlight = false;
  for (;;) {
    if (cursor.state.nextAttemptAt !== null && !(await sleepUntil(cursor.state.nextAttemptAt, signal, clock))) break;
    if (signal.aborted) break;
    const attempt = recorded ? cursor.state.attempt : cursor.state.attempt + 1;
    if (!recorded) await record((s) => [{ type: 'RefreshAttemptStarted', data: { operationHandle: handle, table: s.table, attempt, startedAt: clock.now() } }]);
    recorded = false;
    const early = cursor.early;
    inFlight = true;
    const outcome = await (early ?? deps.attempt(cursor.state, signal));
    cursor.early = undefined;
    if (outcome.kind === 'finished') {
      const { rowsWritten, rowsDeleted } = outcome;
      await record((s) => [{ type: 'RefreshFinished', data: { operationHandle: handle, table: s.table, attempt, rowsWritten, rowsDeleted, finishedAt: clock.now() } }]);
      break;
    }
    if (signal.aborted) break;
    inFlight = false;
    const now = clock.now();
    if (attempt < cursor.state.maxAttempts && !deps.stopping()) {
      const retryAt = now + retryDelayMs(attempt, deps.retry);
      await record((s) => [{ type: 'RefreshAttemptFailed', data: { operationHandle: handle, table: s.table, attempt, error: outcome.message, failedAt: now, retryAt } }]);
      continue;
    }
    await record((s) => {
      const data = { operationHandle: handle, table: s.table, attempt, error: outcome.message, failedAt: now };
      return [outcome.kind === 'timeout' ? { type: 'RefreshTimedOut', data } : { type: 'RefreshFailed', data }];
    });
    break;
  }
  const reason = cancelReason();
  const cutAt = deps.interruptedAt?.();
  if (signal.aborted && inFlight && reason === undefined && cutAt !== undefined && !isTerminalStatus(cursor.state.status)) {
    await recordInterrupted(cursor, cutAt, deps, record);
    return;
  }
  if (signal.aborted && !isTerminalStatus(cursor.state.status) && reason !== undefined) {
    await record((s) => [{ type: 'RefreshCanceled', data: { operationHandle: handle, table: s.table, reason, canceledAt: clock.now() } }]);
  }
}

/**
 * A stop cut this attempt: recorded failed at the time it was cut (not at the next start, which would count the
 * downtime as its duration); a retry due at once if attempts remain, which the next process runs.
 */
async function recordInterrupted(cursor: RunCursor, at: number, deps: RetryLoopDeps, record: (build: (s: OperationState) => OperationEvent[]) => Promise<void>): Promise<void> {
  const s = cursor.state;
  const error = `The refresh attempt ${s.attempt} was interrupted because freshet stopped (its shutdown grace period ran out); the table keeps its previous rows.`;
  const data = { operationHandle: s.operationHandle, table: s.table, attempt: s.attempt, error, failedAt: at };
  await record(() => [s.attempt < s.maxAttempts ? { type: 'RefreshAttemptFailed', data: { ...data, retryAt: at } } : { type: 'RefreshFailed', data }]);
}

/** Waits `ms` on the injected clock; resolves early (false) when aborted. */
export async function sleepFor(ms: number, clock: Clock, signal: AbortSignal): Promise<boolean> {
  return sleepUntil(clock.now() + ms, signal, clock);
}

/** Waits on the injected clock; false when aborted first. */
async function sleepUntil(dueMs: number, signal: AbortSignal, clock: Clock): Promise<boolean> {
  if (signal.aborted) return false;
  const fired = await firstValueFrom(timerAt(dueMs, clock).pipe(takeUntil(fromEvent(signal, 'abort'))), { defaultValue: null });
  return fired !== null;
}
