import type { RecordedEvent } from '../../events/index.ts';
import type { FireDisposition } from '../../workflows/index.ts';

export type OperationHandle = string;
export type RefreshKind = 'periodic' | 'one-time';

export const OPERATION_STREAM_PREFIX = 'operation-';
export const operationStreamName = (handle: OperationHandle): string => `${OPERATION_STREAM_PREFIX}${handle}`;

export interface RefreshSubmittedData {
  operationHandle: OperationHandle;
  /** The table's serializable identifier, `` `cat`.`db`.`t` ``. */
  table: string;
  kind: RefreshKind;
  /** The schedule time text of a periodic refresh (`yyyy-MM-dd HH:mm:ss`), null for a one-time refresh. */
  scheduleTime: string | null;
  partitions: Record<string, string>;
  dynamicOptions: Record<string, string>;
  executionConfig: Record<string, string>;
  threads: number | null;
  timeoutMs: number | null;
  maxAttempts: number;
  /** What the table's overlap policy did with the request when it arrived (the fire's ledger records it too). */
  disposition: FireDisposition;
  /** Set when the request came from a workflow fire. */
  workflowId: string | null;
  /**
   * The fire's nominal time (epoch ms), with workflowId: which fire this refresh is, so a restart can tell a fire
   * that was submitted before a crash from one that was not (RefreshTrigger.recall). Absent for one-time refreshes
   * and in events written before freshet recorded it (an optional field: schema version 1 still reads).
   */
  nominalTime?: number;
  manual: boolean;
  /** Set when a backfill submitted it: which backfill, and which of its partitions (so a restart never repeats it). */
  backfill?: { id: string; index: number };
  submittedAt: number;
}

/**
 * An operation's facts, in its own stream `operation-<handle>`. Status follows Flink's lifecycle: Submitted leaves
 * it PENDING, the first AttemptStarted RUNNING; AttemptFailed with a retry keeps it RUNNING (Flink has no way back to
 * PENDING), and exactly one of Finished / Failed / TimedOut / Canceled ends it; Closed may follow.
 */
export type OperationEvent =
  | { type: 'RefreshSubmitted'; data: RefreshSubmittedData }
  | { type: 'RefreshAttemptStarted'; data: { operationHandle: OperationHandle; table: string; attempt: number; startedAt: number } }
  | {
      type: 'RefreshAttemptFailed';
      data: { operationHandle: OperationHandle; table: string; attempt: number; error: string; failedAt: number; retryAt: number };
    }
  | {
      type: 'RefreshFinished';
      data: { operationHandle: OperationHandle; table: string; attempt: number; rowsWritten: number; rowsDeleted: number; finishedAt: number };
    }
  | { type: 'RefreshFailed'; data: { operationHandle: OperationHandle; table: string; attempt: number; error: string; failedAt: number } }
  | { type: 'RefreshTimedOut'; data: { operationHandle: OperationHandle; table: string; attempt: number; error: string; failedAt: number } }
  | { type: 'RefreshCanceled'; data: { operationHandle: OperationHandle; table: string; reason: string; canceledAt: number } }
  | { type: 'RefreshClosed'; data: { operationHandle: OperationHandle; table: string; closedAt: number } };

export type OperationEventType = OperationEvent['type'];

export const OPERATION_EVENT_TYPES: readonly OperationEventType[] = [
  'RefreshSubmitted',
  'RefreshAttemptStarted',
  'RefreshAttemptFailed',
  'RefreshFinished',
  'RefreshFailed',
  'RefreshTimedOut',
  'RefreshCanceled',
  'RefreshClosed',
];

export function asOperationEvent(recorded: RecordedEvent): OperationEvent | undefined {
  if (!(OPERATION_EVENT_TYPES as readonly string[]).includes(recorded.type)) return undefined;
  return { type: recorded.type, data: recorded.data } as OperationEvent;
}
