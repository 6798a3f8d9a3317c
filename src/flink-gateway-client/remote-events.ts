import { createHash } from 'node:crypto';
import type { RefreshOutcome, RemoteJob } from '../engine/index.ts';

/**
 * A remote refresh's facts in the scheduler's own log, so its ledger answers after the gateway is gone and after a
 * restart: one stream per remote operation (its handle is what the ledger joins on), every event at schema
 * version 1. Instants are epoch milliseconds.
 */
export type RemoteRefreshEvent =
  | {
      type: 'RemoteRefreshSubmitted';
      data: {
        workflowId: string;
        nominalTime: number;
        gateway: string;
        operationHandle: string;
        jobId: string;
        clusterInfo: Record<string, string>;
        /** How the job is followed to its end: through the gateway (another freshet), a JobManager, or not at all. */
        follow: FollowVia;
        submittedAt: number;
        attempts: number;
      };
    }
  | {
      type: 'RemoteJobEnded';
      data: { state: 'succeeded' | 'failed' | 'cancelled'; jobState: string; startedAt: number | null; endedAt: number; durationMs: number | null; rowsWritten: number | null; partition: Record<string, string> | null; error: string | null };
    }
  | { type: 'RemoteJobNotFollowed'; data: { reason: string; at: number } };

export type FollowVia = { kind: 'none' } | { kind: 'freshet'; url: string } | { kind: 'jobmanager'; url: string };

export const REMOTE_EVENT_SCHEMA_VERSION = 1;
export const REMOTE_REFRESH_STREAM_PREFIX = 'remote-refresh-';
/** One event per followed job, appended before the job's own stream: how a restart finds the follows to resume. */
export const REMOTE_FOLLOW_INDEX_STREAM = 'remote-refreshes-followed';

/**
 * One stream per fire that went remote (workflow id + nominal time, the engine's exactly-once key), holding one
 * `RemoteFireRecorded` {operationHandle, submittedAt}: how an engine settling a claim a crash left open learns the
 * fire was submitted (RefreshTrigger.recall) instead of submitting it again.
 */
export const remoteFireStreamName = (workflowId: string, nominalTime: number): string => `remote-fire-${workflowId}@${nominalTime}`;

/** A handle is the gateway's text: a safe one names the stream as it is, any other by its digest. */
export const remoteRefreshStreamName = (operationHandle: string): string =>
  REMOTE_REFRESH_STREAM_PREFIX + (/^[A-Za-z0-9._-]{1,128}$/.test(operationHandle) ? operationHandle : `sha256-${createHash('sha256').update(operationHandle).digest('hex')}`);

export interface RemoteRefreshState {
  submitted: Extract<RemoteRefreshEvent, { type: 'RemoteRefreshSubmitted' }>['data'];
  ended: Extract<RemoteRefreshEvent, { type: 'RemoteJobEnded' }>['data'] | null;
  notFollowed: string | null;
  version: number;
}

export function evolveRemote(state: RemoteRefreshState | undefined, e: RemoteRefreshEvent): RemoteRefreshState | undefined {
  switch (e.type) {
    case 'RemoteRefreshSubmitted':
      return { submitted: e.data, ended: null, notFollowed: null, version: 1 };
    case 'RemoteJobEnded':
      return state && { ...state, ended: e.data, version: state.version + 1 };
    case 'RemoteJobNotFollowed':
      return state && { ...state, notFollowed: e.data.reason, version: state.version + 1 };
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** Whether a follow of this refresh is still owed: submitted to a followable job, neither ended nor given up. */
export const followOwed = (s: RemoteRefreshState): boolean => s.submitted.follow.kind !== 'none' && s.ended === null && s.notFollowed === null;

/**
 * The ledger's word for a remote refresh: the job's end as followed; running while a follow is owed; `fired`
 * (submitted, its end unknown) when nothing follows it, with the reason when following gave up.
 */
export function remoteOutcomeOf(s: RemoteRefreshState): RefreshOutcome {
  const { submitted, ended } = s;
  const remote: RemoteJob = { gateway: submitted.gateway, jobId: submitted.jobId, clusterInfo: submitted.clusterInfo, jobState: ended?.jobState ?? null, followedVia: submitted.follow.kind === 'none' ? null : submitted.follow.url };
  const base = { partition: ended?.partition ?? {}, attempts: submitted.attempts, remote };
  if (ended) return { ...base, state: ended.state, rowsWritten: ended.rowsWritten, durationMs: ended.durationMs, error: ended.error, endedAt: ended.endedAt };
  const state = followOwed(s) ? 'running' : 'fired';
  return { ...base, state, rowsWritten: null, durationMs: null, error: s.notFollowed, endedAt: null };
}
