/**
 * The workflow stream's events. Each carries its schema version in the envelope (NewEvent.schemaVersion);
 * all are at version 1. A change of shape adds an upcaster in `upcast.ts`, never edits history.
 * Instants are epoch milliseconds: absolute, JSON-safe and cheap to compare.
 */
export type MisfirePolicy = 'fire-all' | 'fire-once-now' | 'skip';
export const MISFIRE_POLICIES: readonly MisfirePolicy[] = ['fire-all', 'fire-once-now', 'skip'];

export type StringMap = Record<string, string>;

export interface WorkflowDefinition {
  workflowId: string;
  workflowName: string;
  workflowGroup: string;
  /** Flink's serializable form, e.g. `` `cat`.`db`.`t1` ``. */
  tableIdentifier: string;
  cronExpression: string;
  /** Absent: Flink's Quartz dialect. `unix`: the standard 5-field dialect (see CronDialect). */
  cronDialect?: 'unix';
  timeZone: string;
  /** Schedule bounds: fire times t with startAt <= t < endAt only (epoch ms; absent: unbounded). */
  startAt?: number;
  endAt?: number;
  misfirePolicy: MisfirePolicy;
  /** Missed fire times older than this (relative to the moment they are settled) are not fired. */
  catchUpWindowMs: number;
  initConfig: StringMap;
  executionConfig: StringMap;
  dynamicOptions: StringMap;
  restEndpointUrl?: string;
  descriptionStatement?: string;
}

/** Why a range of nominal fire times ended without a fire: each reason is one ledger outcome. */
export type SkipReason =
  | 'suspended' // the workflow was suspended at that time and its policy does not replay it
  | 'outside-catch-up-window' // missed (suspended or engine down) longer ago than the catch-up window
  | 'coalesced' // fire-once-now: folded into one later fire
  | 'misfire-skip' // skip policy: missed while the engine was down
  | 'schedule-modified' // claimed under a cron that was replaced before it fired
  | 'deleted'; // claimed, then the workflow was deleted before it fired

export type WorkflowEvent =
  | { type: 'WorkflowCreated'; data: WorkflowDefinition & { createdAt: number } }
  | {
      type: 'WorkflowSuspended';
      /**
       * `reason` is set when freshet suspended it itself (a user's reason is in the envelope's metadata); `until`
       * when the pause ends by itself at that instant.
       */
      data: { at: number; reason?: string; until?: number };
    }
  | { type: 'WorkflowResumed'; data: { at: number; dynamicOptions?: StringMap } }
  | {
      type: 'WorkflowScheduleModified';
      data: { at: number; cronExpression: string; cronDialect?: 'unix'; timeZone: string; startAt?: number; endAt?: number; misfirePolicy: MisfirePolicy; catchUpWindowMs: number };
    }
  | { type: 'WorkflowDeleted'; data: { at: number } }
  /** The engine committed to fire this nominal time; not an outcome yet. */
  | { type: 'FireClaimed'; data: { nominalTime: number; claimedAt: number; engineId: string; manual: boolean } }
  /** Outcome: the RefreshTrigger was invoked for this nominal time. */
  | {
      type: 'OccurrenceFired';
      data: FiredData;
    }
  /** Outcome for every nominal time t of the schedule with fromExclusive < t <= toInclusive. */
  | {
      type: 'OccurrencesSkipped';
      data: { fromExclusive: number; toInclusive: number; reason: SkipReason; at: number };
    };

/** What the refresh side did with a fire (overlap policies): recorded with the outcome, for the ledger. */
/**
 * What the refresh side did with a fire: started it, queued it behind the table's running refresh, skipped it by
 * the table's overlap policy, cancelled the others for it, or skipped it because the table's queue of waiting
 * refreshes was full (`skipped-backlog`: refreshes slower than the schedule; see MAX_WAITING in overlap.ts).
 */
export type FireDisposition = 'started' | 'queued' | 'skipped-overlap' | 'cancelled-other' | 'skipped-backlog';

export interface FiredData {
  nominalTime: number;
  firedAt: number;
  manual: boolean;
  recovered: boolean;
  error?: string;
  operationHandle?: string;
  disposition?: FireDisposition;
  /** A fire the overlap policy skipped: the operation that was running (it yielded to). */
  yieldedTo?: string;
}

export type WorkflowEventType = WorkflowEvent['type'];
export const WORKFLOW_EVENT_SCHEMA_VERSION = 1;

export const workflowStreamName = (workflowId: string): string => `workflow-${workflowId}`;
export const WORKFLOW_STREAM_PREFIX = 'workflow-';
