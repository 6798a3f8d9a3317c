import { describe, expect, it } from 'vitest';
import { followJob, GatewayError, type JobLook, type JobSource, pollDelayMs } from '../../src/flink-gateway-client/index.ts';

// The follow loop on virtual time: given a source's answers, when followed, then the result and the instants it looked.
const T0 = Date.UTC(2026, 2, 3);

function rig(answers: (() => JobLook)[]) {
  const clock = { t: T0, now() { return this.t; } };
  const lookedAt: number[] = [];
  const source: JobSource = {
    url: 'http://jm:8081',
    look: async () => {
      lookedAt.push(clock.t - T0);
      const next = answers.shift();
      if (!next) throw new Error('looked more than the test expected');
      return next();
    },
  };
  const waitUntil = async (due: number) => {
    clock.t = Math.max(clock.t, due);
    return true;
  };
  return { clock, lookedAt, source, waitUntil };
}
const running = (): JobLook => ({ ended: false, jobState: 'RUNNING' });
const fails = (status: number) => (): JobLook => {
  throw new GatewayError(`answered ${status}`, status);
};

describe('followJob', () => {
  it('waits with doubling backoff (capped) before each look and returns the end', async () => {
    const end: JobLook = { ended: true, state: 'succeeded', jobState: 'FINISHED', startedAt: T0, endedAt: T0 + 9_000, durationMs: 9_000, rowsWritten: null, partition: null, error: null };
    const r = rig([running, fails(0), fails(503), running, () => end]);
    const result = await followJob(r.source, { jobId: 'j', operationHandle: 'o' }, T0 + 60_000, r.clock, new AbortController().signal, { firstPollMs: 1_000, maxPollMs: 4_000, waitUntil: r.waitUntil });
    expect(result).toStrictEqual({ kind: 'ended', look: end });
    expect(r.lookedAt).toStrictEqual([1_000, 3_000, 7_000, 11_000, 15_000]); // an outage is looked at again
  });

  it('gives up after "no such job" notFoundLimit times in a row, and at once on another 4xx', async () => {
    const r = rig([fails(404), running, fails(404), fails(404)]);
    expect(await followJob(r.source, { jobId: 'j', operationHandle: 'o' }, T0 + 60_000, r.clock, new AbortController().signal, { notFoundLimit: 2, waitUntil: r.waitUntil })).toMatchObject({ kind: 'gave-up', reason: 'http://jm:8081 does not know job j: answered 404' });
    const bad = rig([fails(401)]);
    expect(await followJob(bad.source, { jobId: 'j', operationHandle: 'o' }, T0 + 60_000, bad.clock, new AbortController().signal, { waitUntil: bad.waitUntil })).toStrictEqual({ kind: 'gave-up', reason: 'answered 401' });
  });

  it('looks last at the deadline, then gives up with what it last saw; a stop ends it without a result', async () => {
    const r = rig([running, running, running]);
    const result = await followJob(r.source, { jobId: 'j', operationHandle: 'o' }, T0 + 5_000, r.clock, new AbortController().signal, { firstPollMs: 1_000, maxPollMs: 60_000, waitUntil: r.waitUntil });
    expect(r.lookedAt).toStrictEqual([1_000, 3_000, 5_000]);
    expect(result).toStrictEqual({ kind: 'gave-up', reason: `Job j was followed through http://jm:8081 until ${new Date(T0 + 5_000).toISOString()} and not seen to end (last: it was still RUNNING).` });
    const stopped = new AbortController();
    stopped.abort();
    expect(await followJob(r.source, { jobId: 'j', operationHandle: 'o' }, T0 + 5_000, r.clock, stopped.signal)).toStrictEqual({ kind: 'stopped' });
  });

  it('never waits longer than the cap, however many looks (no overflow of 2^n)', () => {
    expect([1, 2, 3, 4, 5, 1_000].map((n) => pollDelayMs(n, 500, 8_000))).toStrictEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
  });
});
