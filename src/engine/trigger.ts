import type { FireDisposition, StringMap } from '../workflows/index.ts';

/** What one fire asks for: Flink's refresh call (periodic, schedule time = the nominal fire time). */
export interface RefreshRequest {
  workflowId: string;
  workflowName: string;
  workflowGroup: string;
  tableIdentifier: string;
  /** The nominal fire time (epoch ms). */
  scheduleTime: number;
  /** `yyyy-MM-dd HH:mm:ss` in the workflow's zone, as Flink's job formats it. */
  scheduleTimeText: string;
  timeZone: string;
  dynamicOptions: StringMap;
  executionConfig: StringMap;
  initConfig: StringMap;
  /** The gateway the workflow refreshes through (none or '' = freshet's own warehouse). */
  restEndpointUrl?: string;
  manual: boolean;
}

export interface FireResult {
  operationHandle?: string;
  /** What the refresh side did with the fire (its overlap policy); recorded in the occurrence ledger. */
  disposition?: FireDisposition;
  /** For a fire the overlap policy skipped: the operation it yielded to (the one running then). */
  yieldedTo?: string;
}

/**
 * What became of the refresh a fire submitted, as the refresh side's own log says: the ledger's terminal outcome
 * (succeeded, failed after its attempts, cancelled), or running while it is in flight.
 */
export interface RefreshOutcome {
  /** `fired`: submitted to a remote gateway whose job nothing follows to its end (no JobManager configured). */
  state: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'fired';
  partition: StringMap;
  rowsWritten: number | null;
  /** From the first attempt's start to the end; null while running. */
  durationMs: number | null;
  attempts: number;
  /** The last attempt's error (the reason for a cancel), as the user needs it. */
  error: string | null;
  endedAt: number | null;
  /** A refresh submitted to another gateway: its operation, job and how its end was learnt. */
  remote?: RemoteJob;
}

/** What a remote gateway answered a refresh with (Flink's refresh result row), and the job's end state when followed. */
export interface RemoteJob {
  gateway: string;
  jobId: string;
  clusterInfo: StringMap;
  /** Flink's JobStatus (FINISHED, FAILED, CANCELED) or the freshet operation's status; null until it ends. */
  jobState: string | null;
  /** The JobManager or freshet gateway the job was followed through; null when nothing follows it. */
  followedVia: string | null;
}

/** What a trigger durably recorded of an earlier fire (see RefreshTrigger.recall). */
export interface RecalledFire extends FireResult {
  /** When the trigger took the fire (its submission time). */
  firedAt: number;
}

/** The port a fire calls. It returns once the refresh is submitted, not when it finishes. */
export interface RefreshTrigger {
  fire(request: RefreshRequest): Promise<FireResult | void>;
  /**
   * What the trigger durably recorded of the workflow's fire at `nominalTime`, or null when it recorded none.
   * An engine that died between a fire and its recorded outcome leaves the claim open; the engine that settles it
   * asks here first, so a fire whose refresh was submitted is recorded as fired (recovered), not run again.
   * Without it, such a claim follows the misfire policy, and an unknowable outcome is recorded as unknown.
   */
  recall?(workflowId: string, nominalTime: number): Promise<RecalledFire | null>;
  /**
   * What became of the refreshes with these operation handles (the ledger joins them to its fires). A handle the
   * trigger does not know is absent from the answer. Without it, a fire's outcome stays `fired`.
   */
  outcomes?(operationHandles: readonly string[]): Promise<Map<string, RefreshOutcome>>;
}

/** A trigger that only logs: the engine runs before a warehouse is plugged in. */
export const noopTrigger: RefreshTrigger = { fire: async () => undefined };
