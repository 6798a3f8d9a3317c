import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkflowError, workflowStreamName } from '../../src/workflows/index.ts';
import { advanceTo, harness } from '../support/engine-harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

const HOURLY = { cronExpression: '0 0 * * * ? *', timeZone: 'UTC', misfirePolicy: 'skip' as const };
const at = (iso: string) => Date.parse(iso);

describe('pause until an instant', () => {
  it('resumes by itself at the instant, recorded with freshet as the actor and why, and fires again', async () => {
    const h = harness();
    await h.engine.start();
    const id = await h.create(HOURLY);
    await h.command(id, (now, engineId) => ({ type: 'SuspendWorkflow', now, engineId, until: at('2026-03-02T12:30:00Z') }));
    await advanceTo('2026-03-02T12:29:59.000Z');
    expect(h.fires).toEqual([]);
    await advanceTo('2026-03-02T13:00:01.000Z');
    expect(h.fires.map((f) => f.scheduleTime)).toEqual(['2026-03-02T13:00:00.000Z']);
    const events = await h.store.readStream(workflowStreamName(id));
    const resumed = events.find((e) => e.type === 'WorkflowResumed');
    expect(resumed?.data).toEqual({ at: at('2026-03-02T12:30:00Z') });
    expect(resumed?.metadata).toMatchObject({ actor: 'freshet', reason: 'the pause until 2026-03-02T12:30:00.000Z ended' });
    await h.engine.stop();
  });

  it('survives a restart, and a pause longer than a Node timer can wait (2^31-1 ms) does not end early', async () => {
    const first = harness();
    await first.engine.start();
    const id = await first.create(HOURLY);
    await first.command(id, (now, engineId) => ({ type: 'SuspendWorkflow', now, engineId, until: at('2026-04-11T10:00:00Z') })); // 40 days
    await first.engine.stop();
    const second = harness(first.store);
    await second.engine.start();
    await advanceTo('2026-04-11T09:59:00.000Z');
    expect(second.fires).toEqual([]);
    expect((await second.store.readStream(workflowStreamName(id))).some((e) => e.type === 'WorkflowResumed')).toBe(false);
    await advanceTo('2026-04-11T11:00:01.000Z');
    expect(second.fires.map((f) => f.scheduleTime)).toEqual(['2026-04-11T11:00:00.000Z']);
    await second.engine.stop();
  });

  it('a user resume first ends the pause; the pause timer then does nothing', async () => {
    const h = harness();
    await h.engine.start();
    const id = await h.create(HOURLY);
    await h.command(id, (now, engineId) => ({ type: 'SuspendWorkflow', now, engineId, until: at('2026-03-02T12:30:00Z') }));
    await advanceTo('2026-03-02T11:00:30.000Z');
    await h.command(id, (now, engineId) => ({ type: 'ResumeWorkflow', now, engineId, misfireThresholdMs: 60_000 }));
    await advanceTo('2026-03-02T12:31:00.000Z');
    const types = (await h.store.readStream(workflowStreamName(id))).map((e) => e.type);
    expect(types.filter((t) => t === 'WorkflowResumed')).toHaveLength(1);
    // 11:00 was 30 s late at the resume, inside the misfire threshold: fired, as Quartz does.
    expect(h.fires.map((f) => f.scheduleTime)).toEqual(['2026-03-02T11:00:00.000Z', '2026-03-02T12:00:00.000Z']);
    await h.engine.stop();
  });

  it('refuses a pause that ends in the past, and writes nothing', async () => {
    const h = harness();
    await h.engine.start();
    const id = await h.create(HOURLY);
    const before = (await h.store.readStream(workflowStreamName(id))).length;
    const past = h.command(id, (now, engineId) => ({ type: 'SuspendWorkflow', now, engineId, until: now - 1 }));
    await expect(past).rejects.toThrow(WorkflowError);
    await expect(past).rejects.toThrow(/A pause must end in the future/);
    expect(await h.store.readStream(workflowStreamName(id))).toHaveLength(before);
    await h.engine.stop();
  });
});
