import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.ts';
import { pollDelayMs } from '../../src/flink-gateway-client/index.ts';
import { openFreshet } from '../../src/runtime/index.ts';
import { ManualClock } from '../api/support/api-harness.ts';
import { type FlinkDouble, startFlinkDouble } from './support/flink-double.ts';

// freshet A schedules; the "Flink deployment" is a protocol double (support/flink-double.ts), not a live Flink: its
// JobManager answers are checked against Flink's rest_v1_dispatcher.yml. A follows each refresh job at the
// JobManager to its end, on virtual time, and records the end in its own log.

const MT = '`cat`.`db`.`daily`';
const T0 = Date.UTC(2026, 2, 3, 0, 0, 0);
const MINUTE = 60_000;

interface Occurrence {
  nominalTime: string;
  outcome: string;
  error: string | null;
  operationHandle: string | null;
  durationMs: number | null;
  endedAt: string | null;
  remote: { gateway: string; jobId: string; clusterInfo: Record<string, string>; jobState: string | null; followedVia: string | null } | null;
}

const call = async (base: string, method: string, path: string, body?: object) => {
  const res = await fetch(`${base}${path}`, { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('following a refresh job at a Flink JobManager (protocol double)', () => {
  let flink: FlinkDouble;
  let dir: string;
  let a: RunningServer;
  let id = '';
  const clock = new ManualClock(T0);
  // Virtual time: a follower's wait moves the clock to its due instant (no real sleep), then lets the loop turn.
  // While `holding`, waits stay parked (time stands still for the follower) until released or stopped.
  let holding = false;
  let parked: (() => void)[] = [];
  const release = () => {
    holding = false;
    for (const go of parked.splice(0)) go();
  };
  const waitUntil = async (due: number, signal: AbortSignal) => {
    if (holding) await new Promise<void>((resolve) => (parked.push(resolve), signal.addEventListener('abort', () => resolve(), { once: true })));
    if (signal.aborted) return false;
    if (due > clock.t) clock.t = due;
    await turn();
    return true;
  };
  const open = async () => {
    const runtime = await openFreshet({
      store: 'sqlite',
      dataDir: dir,
      timeZone: 'UTC',
      clock,
      gateways: { allowed: [flink.url], jobManager: flink.url },
      remote: { attempts: 1, sleep: async () => undefined, waitUntil, firstPollMs: 500, maxPollMs: 8_000, followTimeoutMs: 10 * MINUTE },
    });
    return startServer({ runtime, port: 0, logger: false });
  };

  beforeAll(async () => {
    flink = await startFlinkDouble();
    dir = await mkdtemp(join(tmpdir(), 'freshet-jm-'));
    a = await open();
    const created = await call(a.url, 'POST', '/v3/workflow/embedded-scheduler/create', { materializedTableIdentifier: MT, cronExpression: '0 0 0 1 1 ? 2099', restEndpointUrl: flink.url });
    expect(created.status).toBe(200);
    id = ((await call(a.url, 'GET', '/v1/workflows')).json.items as { workflowId: string }[])[0]?.workflowId ?? '';
  });
  afterAll(async () => {
    await a?.close();
    await flink?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ledger = async () => (await call(a.url, 'GET', `/v1/workflows/${id}/occurrences`)).json.occurrences as Occurrence[];
  /** Fires once at a fresh instant; resolves with the nominal time once A's ledger has the job id. */
  async function fire(): Promise<string> {
    clock.advance(MINUTE);
    const at = new Date(clock.now()).toISOString();
    expect((await call(a.url, 'POST', `/v1/workflows/${id}/trigger`, {})).status).toBe(202);
    while (!(await ledger()).some((o) => o.nominalTime === at && (o.remote !== null || o.error !== null))) await turn();
    return at;
  }
  async function until(at: string, done: (o: Occurrence) => boolean): Promise<Occurrence> {
    for (;;) {
      const o = (await ledger()).find((x) => x.nominalTime === at);
      if (o && done(o)) return o;
      await turn();
    }
  }

  it("records the job's real end and duration from the JobManager: running while it runs, then succeeded", async () => {
    holding = true; // the job runs until the test lets it finish
    const at = await fire();
    const running = await until(at, (o) => o.remote !== null);
    expect(running).toMatchObject({ outcome: 'running', remote: { gateway: flink.url, clusterInfo: { 'execution.target': 'remote' }, jobState: null, followedVia: flink.url } });
    expect(running.remote?.jobId).toMatch(/^[0-9a-f]{32}$/);
    Object.assign(flink.jobs.get(running.remote!.jobId)!, { state: 'FINISHED', 'start-time': T0 + 61_000, 'end-time': T0 + 61_000 + 42_000, duration: 42_000 });
    release();
    const done = await until(at, (o) => o.outcome !== 'running');
    expect(done).toMatchObject({ outcome: 'succeeded', error: null, durationMs: 42_000, endedAt: new Date(T0 + 103_000).toISOString(), remote: { jobId: running.remote?.jobId, jobState: 'FINISHED' } });
  });

  it('records a failed job with its root cause from /exceptions', async () => {
    flink.onLook = (jobId) => Object.assign(flink.jobs.get(jobId)!, { state: 'FAILED', 'start-time': T0, 'end-time': T0 + 5_000, duration: 5_000, stacktrace: 'java.io.IOException: bucket s3://warehouse is gone\n\tat org.apache.flink…' });
    const at = await fire();
    expect(await until(at, (o) => o.outcome !== 'running' && o.remote !== null)).toMatchObject({
      outcome: 'failed',
      durationMs: 5_000,
      error: 'The Flink job failed: java.io.IOException: bucket s3://warehouse is gone',
      remote: { jobState: 'FAILED' },
    });
  });

  it('looks again with backoff while the JobManager does not answer, and gives up at the deadline with the reason', async () => {
    flink.onLook = undefined;
    flink.jobManagerDown = 503;
    flink.looks.length = 0;
    const at = await fire();
    const given = await until(at, (o) => o.outcome !== 'running' && o.remote !== null);
    expect(given.outcome).toBe('fired'); // submitted; its end unknown
    expect(given.error).toMatch(/^Job [0-9a-f]{32} was followed through http:\/\/127\.0\.0\.1:\d+ until .* and not seen to end \(last: The Flink JobManager .* answered GET \/jobs\/[0-9a-f]{32} with 503: Service temporarily unavailable\.\)\.$/);
    // Waits of 500 ms doubling to the 8 s cap until ten minutes after submission: a bounded number of looks.
    let expected = 0;
    for (let n = 1, t = 0; t < 10 * MINUTE; n++, expected++) t = Math.min(t + pollDelayMs(n, 500, 8_000), 10 * MINUTE);
    expect(expected).toBe(79); // after 0.5, 1, 2, 4 s, then every 8 s, the last cut at the deadline
    expect(flink.looks).toHaveLength(expected);
    expect(flink.looks.every((l) => l.status === 503)).toBe(true);
    flink.jobManagerDown = null;
  });

  it('resumes an owed follow after a restart and records the end the job reached meanwhile', async () => {
    flink.onLook = undefined;
    holding = true;
    const at = await fire();
    const running = await until(at, (o) => o.remote !== null);
    expect(running.outcome).toBe('running');
    await a.close(); // the follow is owed in A's log
    Object.assign(flink.jobs.get(running.remote!.jobId)!, { state: 'CANCELED', 'start-time': T0, 'end-time': T0 + 9_000, duration: 9_000 });
    release();
    a = await open();
    expect(await until(at, (o) => o.outcome !== 'running')).toMatchObject({ outcome: 'cancelled', durationMs: 9_000, remote: { jobState: 'CANCELED' } });
  });

  it('refuses a JobManager address that is not an http(s) URL', async () => {
    await expect(openFreshet({ store: 'memory', dataDir: dir, gateways: { jobManager: 'jobmanager:8081' } })).rejects.toThrow("JobManager 'jobmanager:8081' is not an http(s) URL; give it as http://host:port");
  });
});
