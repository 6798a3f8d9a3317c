import { GatewayError, getJson } from './client.ts';

/** One look at a remote job: still going, or its end. */
export type JobLook =
  | { ended: false; jobState: string }
  | {
      ended: true;
      state: 'succeeded' | 'failed' | 'cancelled';
      jobState: string;
      startedAt: number | null;
      /** Null when the source does not say (the follower takes its clock's now). */
      endedAt: number | null;
      durationMs: number | null;
      rowsWritten: number | null;
      partition: Record<string, string> | null;
      error: string | null;
    };

/** Where a remote job's state is read: a Flink JobManager's REST API, or the freshet gateway that ran it. */
export interface JobSource {
  readonly url: string;
  look(job: { jobId: string; operationHandle: string }): Promise<JobLook>;
}

// Flink's JobStatus: only the globally terminal ones end a job; SUSPENDED means a JobManager lost leadership and
// another will carry the job on, so it is followed further.
const FLINK_ENDS: Record<string, 'succeeded' | 'failed' | 'cancelled'> = { FINISHED: 'succeeded', FAILED: 'failed', CANCELED: 'cancelled' };

interface JobDetailsInfo {
  jid?: string;
  state?: string;
  'start-time'?: number;
  'end-time'?: number;
  duration?: number;
}
interface JobExceptionsInfo {
  'root-exception'?: string;
  exceptionHistory?: { entries?: { exceptionName?: string; stacktrace?: string }[] };
}

/**
 * A Flink JobManager (rest_v1_dispatcher.yml): `GET /jobs/:jobid` (JobDetailsInfo: state, start-time, end-time,
 * duration), and for a failed job `GET /jobs/:jobid/exceptions` for the root cause as the user needs it.
 */
export function jobManagerSource(url: string, timeoutMs: number): JobSource {
  return {
    url,
    async look({ jobId }) {
      const path = `/jobs/${encodeURIComponent(jobId)}`;
      const job = await getJson<JobDetailsInfo>(url, path, timeoutMs, 'Flink JobManager');
      const state = typeof job.state === 'string' ? job.state : '';
      const end = FLINK_ENDS[state];
      if (!end) {
        if (state === '') throw new GatewayError(`The Flink JobManager ${url} answered GET ${path} without a job state.`, 200);
        return { ended: false, jobState: state };
      }
      const error = end === 'failed' ? await rootCause(url, path, timeoutMs) : null;
            return { ended: true, state: end, jobState: state, startedAt: positive(job['start-time']), endedAt: positive(job['end-time']), durationMs: typeof job.duration === 'number' && job.duration >= 0 ? job.duration : null, rowsWritten: null, partition: null, error };
    },
  };
}

async function rootCause(url: string, jobPath: string, timeoutMs: number): Promise<string> {
  try {
    const info = await getJson<JobExceptionsInfo>(url, `${jobPath}/exceptions?maxExceptions=1`, timeoutMs, 'Flink JobManager');
    const entry = info.exceptionHistory?.entries?.[0];
    const text = entry?.stacktrace?.split('\n')[0] ?? entry?.exceptionName ?? info['root-exception']?.split('\n')[0];
    if (text) return `The Flink job failed: ${text}`;
  } catch {
    // The job's state is the fact; its cause is a courtesy.
  }
  return 'The Flink job failed (the JobManager gave no exception).';
}

const positive = (n: unknown): number | null => (typeof n === 'number' && n > 0 ? n : null);

interface FreshetOperation {
  status?: string;
  startedAt?: string | null;
  endedAt?: string | null;
  durationMs?: number | null;
  rowsWritten?: number | null;
  partitions?: Record<string, string>;
  error?: string | null;
}

/**
 * Another freshet as the gateway: its refresh "job" is its operation, read at `GET /v1/operations/:handle`. Its
 * refresh job closes the operation once it has the job id, and CLOSED hides how it ended: its facts say it.
 */
export function freshetSource(url: string, timeoutMs: number): JobSource {
  return {
    url,
    async look({ operationHandle }) {
      const op = await getJson<FreshetOperation>(url, `/v1/operations/${encodeURIComponent(operationHandle)}`, timeoutMs, 'freshet gateway');
      const status = op.status ?? '';
      if (status === 'INITIALIZED' || status === 'PENDING' || status === 'RUNNING' || status === '') return { ended: false, jobState: status || 'UNKNOWN' };
      const rows = typeof op.rowsWritten === 'number' ? op.rowsWritten : null;
      const error = op.error ?? null;
      const state = status === 'FINISHED' || (status === 'CLOSED' && rows !== null) ? 'succeeded' : status === 'ERROR' || status === 'TIMEOUT' || (status === 'CLOSED' && error !== null) ? 'failed' : 'cancelled';
      const ms = (s: string | null | undefined) => (s ? Date.parse(s) : null);
      return { ended: true, state, jobState: status, startedAt: ms(op.startedAt), endedAt: ms(op.endedAt), durationMs: op.durationMs ?? null, rowsWritten: rows, partition: op.partitions ?? null, error: state === 'succeeded' ? null : error };
    },
  };
}
