import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advanceTo, harness } from '../support/engine-harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const times = (fires: { scheduleTime: string }[]) => fires.map((f) => f.scheduleTime);

describe('engine timers on virtual time', () => {
  it('fires each nominal time once, on time, with Flink’s schedule-time text', async () => {
    vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
    const h = harness();
    await h.engine.start();
    await h.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'Europe/Berlin' });
    await advanceTo('2026-03-02T10:46:00.000Z');
    expect(times(h.fires)).toEqual(['2026-03-02T10:15:00.000Z', '2026-03-02T10:30:00.000Z', '2026-03-02T10:45:00.000Z']);
    expect(h.fires.map((f) => f.invokedAt)).toEqual(times(h.fires));
    expect(h.fires[0]!.scheduleTimeText).toBe('2026-03-02 11:15:00');
    await h.engine.stop();
  });

  it('a 30-day gap fires neither early nor late (Node would clamp the delay to 1 ms)', async () => {
    vi.setSystemTime(new Date('2026-04-01T00:00:01.000Z'));
    const h = harness();
    await h.engine.start();
    await h.create({ cronExpression: '0 0 0 1 * ?', timeZone: 'UTC' });
    await advanceTo('2026-04-30T23:59:59.000Z');
    expect(h.fires).toEqual([]);
    await advanceTo('2026-05-01T00:00:00.500Z');
    expect(times(h.fires)).toEqual(['2026-05-01T00:00:00.000Z']);
    expect(h.fires[0]!.invokedAt).toBe('2026-05-01T00:00:00.000Z');
    await h.engine.stop();
  });

  it('a 61-day gap fires exactly once, at its time', async () => {
    vi.setSystemTime(new Date('2026-09-01T00:00:01.000Z'));
    const h = harness();
    await h.engine.start();
    await h.create({ cronExpression: '0 0 0 1 1/2 ?', timeZone: 'UTC' }); // Jan, Mar, May, Jul, Sep, Nov
    await advanceTo('2026-10-31T23:59:59.999Z');
    expect(h.fires).toEqual([]);
    await advanceTo('2026-11-01T00:00:01.000Z');
    expect(times(h.fires)).toEqual(['2026-11-01T00:00:00.000Z']);
    await h.engine.stop();
  });

  it('spring forward: a local time that does not exist is skipped that day (Quartz)', async () => {
    vi.setSystemTime(new Date('2026-03-07T00:00:00.000Z'));
    const h = harness();
    await h.engine.start();
    await h.create({ cronExpression: '0 30 2 * * ?', timeZone: 'America/New_York' });
    await advanceTo('2026-03-10T00:00:00.000Z');
    expect(times(h.fires)).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
    await h.engine.stop();
  });

  it('fall back: a repeated local time fires once, at the later instant (Quartz)', async () => {
    vi.setSystemTime(new Date('2026-10-31T12:00:00.000Z'));
    const h = harness();
    await h.engine.start();
    await h.create({ cronExpression: '0 30 1 * * ?', timeZone: 'America/New_York' });
    await advanceTo('2026-11-02T12:00:00.000Z');
    // 2026-11-01 01:30 happens twice (EDT 05:30Z, EST 06:30Z): only the EST one fires.
    expect(times(h.fires)).toEqual(['2026-11-01T06:30:00.000Z', '2026-11-02T06:30:00.000Z']);
    await h.engine.stop();
  });

  it('a wall clock jumping backwards neither loses nor doubles a fire', async () => {
    vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
    const h = harness();
    await h.engine.start();
    await h.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC' });
    await advanceTo('2026-03-02T10:15:30.000Z');
    expect(times(h.fires)).toEqual(['2026-03-02T10:15:00.000Z']);
    vi.setSystemTime(new Date('2026-03-02T10:05:00.000Z')); // NTP steps the clock back ten minutes
    await advanceTo('2026-03-02T10:31:00.000Z');
    expect(times(h.fires)).toEqual(['2026-03-02T10:15:00.000Z', '2026-03-02T10:30:00.000Z']);
    expect(h.fires[1]!.invokedAt).toBe('2026-03-02T10:30:00.000Z');
    await h.engine.stop();
  });

  it('a wall clock jumping forwards fires what it jumped over once, with its own schedule time', async () => {
    vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
    const h = harness();
    await h.engine.start();
    await h.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC' });
    vi.setSystemTime(new Date('2026-03-02T10:40:00.000Z')); // jumps over 10:15 and 10:30
    await advanceTo('2026-03-02T10:41:10.000Z');
    expect(times(h.fires)).toEqual(['2026-03-02T10:15:00.000Z', '2026-03-02T10:30:00.000Z']);
    await h.engine.stop();
  });

  it('a suspended workflow does not fire; resume replays what it missed (fire-all, as Flink)', async () => {
    vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
    const h = harness();
    await h.engine.start();
    const id = await h.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC' });
    await h.command(id, (now, engineId) => ({ type: 'SuspendWorkflow', now, engineId }));
    await advanceTo('2026-03-02T11:01:00.000Z');
    expect(h.fires).toEqual([]);
    await h.command(id, (now, engineId) => ({ type: 'ResumeWorkflow', now, engineId, misfireThresholdMs: 60_000 }));
    await advanceTo('2026-03-02T11:01:01.000Z');
    expect(times(h.fires)).toEqual(['10:15', '10:30', '10:45', '11:00'].map((t) => `2026-03-02T${t}:00.000Z`));
    await h.engine.stop();
  });

  it('a manual trigger fires now, once, marked manual', async () => {
    vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
    const h = harness();
    await h.engine.start();
    const id = await h.create({ cronExpression: '0 0 3 * * ?', timeZone: 'UTC' });
    await advanceTo('2026-03-02T10:00:05.000Z');
    await h.command(id, (now, engineId) => ({ type: 'TriggerWorkflow', now, engineId }));
    await advanceTo('2026-03-02T10:00:06.000Z');
    expect(h.fires).toMatchObject([{ scheduleTime: '2026-03-02T10:00:05.000Z', manual: true }]);
    await h.engine.stop();
  });

  it('a deleted workflow never fires again', async () => {
    vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
    const h = harness();
    await h.engine.start();
    const id = await h.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC' });
    await advanceTo('2026-03-02T10:14:59.900Z'); // claimed 10:15 already
    await h.command(id, (now, engineId) => ({ type: 'DeleteWorkflow', now, engineId }));
    await advanceTo('2026-03-02T12:00:00.000Z');
    expect(h.fires).toEqual([]);
    expect(h.engine.size).toBe(0);
    await h.engine.stop();
  });
});
