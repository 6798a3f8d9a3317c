import { firstValueFrom, fromEvent, takeUntil } from 'rxjs';
import type { Clock } from '../clock/index.ts';
import { timerAt } from '../engine/index.ts';
import { GatewayError } from './client.ts';
import type { JobLook, JobSource } from './job-source.ts';

export interface FollowOptions {
  /** First wait between looks; doubles up to `maxPollMs` (defaults 500 ms, 30 s). */
  firstPollMs?: number;
  maxPollMs?: number;
  /** How long after submission a job is followed before freshet gives up on it (default 24 h). */
  followTimeoutMs?: number;
  /** Answers "no such job" in a row before giving up (a JobManager restarted without HA forgets jobs; default 5). */
  notFoundLimit?: number;
  /** Waits until `clock.now() >= dueMs` or the signal aborts (false then); injected so tests run on virtual time. */
  waitUntil?: (dueMs: number, signal: AbortSignal) => Promise<boolean>;
}

export type FollowResult = { kind: 'ended'; look: Extract<JobLook, { ended: true }> } | { kind: 'gave-up'; reason: string } | { kind: 'stopped' };

/** Wakes at least once a minute and re-reads the clock, so a long wait neither fires early nor drifts. */
export const clockWait =
  (clock: Clock) =>
  async (dueMs: number, signal: AbortSignal): Promise<boolean> => {
    if (signal.aborted) return false;
    return (await firstValueFrom(timerAt(dueMs, clock).pipe(takeUntil(fromEvent(signal, 'abort'))), { defaultValue: null })) !== null;
  };

/** Poll delay before look n+1 (n ≥ 1): pure, so its bounds are tested without waiting. */
export const pollDelayMs = (n: number, firstMs: number, maxMs: number): number => Math.min(firstMs * 2 ** Math.min(n - 1, 30), maxMs);

/**
 * Looks at a remote job until it ends, with backoff before each look, until `deadline` (an absolute instant). A source
 * that does not answer, or answers 5xx, is looked at again later; "no such job" `notFoundLimit` times in a row, any
 * other 4xx, or the deadline passing gives up with the reason. A stop (the signal) ends it without a result: the
 * follow is still owed and a restart resumes it.
 */
export async function followJob(
  source: JobSource,
  job: { jobId: string; operationHandle: string },
  deadline: number,
  clock: Clock,
  signal: AbortSignal,
  options: FollowOptions = {},
): Promise<FollowResult> {
  const wait = options.waitUntil ?? clockWait(clock);
  const first = options.firstPollMs ?? 500;
  const max = options.maxPollMs ?? 30_000;
  const notFoundLimit = options.notFoundLimit ?? 5;
  let notFound = 0;
  let lastProblem = 'no answer yet';
  for (let n = 1; ; n++) {
    if (signal.aborted) return { kind: 'stopped' };
    // Wait first: a job just submitted has not ended, and a burst of fires should not double as a burst of looks.
    if (clock.now() >= deadline) return { kind: 'gave-up', reason: `Job ${job.jobId} was followed through ${source.url} until ${new Date(deadline).toISOString()} and not seen to end (last: ${lastProblem}).` };
    if (!(await wait(Math.min(clock.now() + pollDelayMs(n, first, max), deadline), signal))) return { kind: 'stopped' };
    try {
      const look = await source.look(job);
      notFound = 0;
      if (look.ended) return { kind: 'ended', look };
      lastProblem = `it was still ${look.jobState}`;
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      if (error.status === 404 && ++notFound >= notFoundLimit) return { kind: 'gave-up', reason: `${source.url} does not know job ${job.jobId}: ${error.message}` };
      if (error.status !== 404 && error.status >= 400 && error.status < 500) return { kind: 'gave-up', reason: error.message };
      lastProblem = error.message;
    }
  }
}
