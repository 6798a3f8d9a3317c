import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { explainInstant, occurrencesFromEvents } from '../../src/projections/index.ts';
import { workflowStreamName } from '../../src/workflows/index.ts';
import { advanceTo, harness } from '../support/engine-harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

async function explainer(h: ReturnType<typeof harness>, id: string) {
  const events = await h.store.readStream(workflowStreamName(id));
  return (iso: string) => {
    const t = Date.parse(iso);
    const [o] = occurrencesFromEvents(events, { from: t, to: t, limit: 1 });
    return explainInstant(events, t, o ?? null);
  };
}

describe('explain: why did (or didn’t) it fire at an instant', () => {
  it('answers for a fire, a time off the schedule, a suspension (by whom, why) and a time before the workflow existed', async () => {
    const h = harness();
    await h.engine.start();
    const id = await h.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC', misfirePolicy: 'skip' });
    await advanceTo('2026-03-02T10:15:01.000Z');
    await h.engine.execute(id, id, (now, engineId) => ({ type: 'SuspendWorkflow', now, engineId }), { actor: 'alice', reason: 'source migration' });
    await advanceTo('2026-03-02T11:00:00.000Z');
    await h.engine.execute(id, id, (now, engineId) => ({ type: 'ResumeWorkflow', now, engineId, misfireThresholdMs: 60_000 }), { actor: 'bob' });
    await advanceTo('2026-03-02T11:01:00.000Z');
    const explain = await explainer(h, id);

    const fired = explain('2026-03-02T10:15:00.000Z');
    expect(fired).toMatchObject({ nominal: true, outcome: { outcome: 'fired', firedAt: '2026-03-02T10:15:00.000Z' }, schedule: { cronExpression: '0 0/15 * * * ? *', by: 'test' } });

    const off = explain('2026-03-02T10:20:00.000Z');
    expect(off).toMatchObject({ nominal: false, outcome: null, previous: '2026-03-02T10:15:00.000Z', next: '2026-03-02T10:30:00.000Z' });
    expect(off.reasons[0]).toMatch(/is not a fire time of '0 0\/15 \* \* \* \? \*' \(quartz cron\) in UTC/);

    const skipped = explain('2026-03-02T10:30:00.000Z');
    expect(skipped).toMatchObject({ nominal: true, outcome: { outcome: 'skipped', reason: 'suspended' } });
    expect(skipped.reasons.at(-1)).toBe(
      "Skipped: the workflow was suspended at 2026-03-02T10:15:01.000Z by alice ('source migration') and resumed at 2026-03-02T11:00:00.000Z by bob; its misfire policy (skip) did not replay it.",
    );

    const before = explain('2026-03-02T09:45:00.000Z');
    expect(before).toMatchObject({ nominal: false, schedule: null });
    expect(before.reasons).toEqual(['The workflow did not exist yet: it was created at 2026-03-02T10:00:00.000Z by test.']);
    await h.engine.stop();
  });

  it('uses the schedule in force at the instant, not the current one, and names who changed it', async () => {
    const h = harness();
    await h.engine.start();
    const id = await h.create({ cronExpression: '0 0 * * * ? *', timeZone: 'UTC' });
    await advanceTo('2026-03-02T11:00:01.000Z');
    await h.engine.execute(id, id, (now, engineId) => ({ type: 'ModifySchedule', now, engineId, cronExpression: '0 30 * * * ? *' }), { actor: 'carol' });
    await advanceTo('2026-03-02T12:31:00.000Z');
    const explain = await explainer(h, id);
    expect(explain('2026-03-02T11:00:00.000Z')).toMatchObject({ nominal: true, schedule: { cronExpression: '0 0 * * * ? *' }, outcome: { outcome: 'fired' } });
    const later = explain('2026-03-02T12:00:00.000Z');
    expect(later).toMatchObject({ nominal: false, schedule: { cronExpression: '0 30 * * * ? *', by: 'carol', since: '2026-03-02T11:00:01.000Z' } });
    await h.engine.stop();
  });

  it('says when a daylight-saving change lies between the fire times around an instant', async () => {
    vi.setSystemTime(new Date('2026-03-27T00:00:00.000Z'));
    const h = harness();
    await h.engine.start();
    const id = await h.create({ cronExpression: '0 30 2 * * ? *', timeZone: 'Europe/Berlin' });
    const explain = await explainer(h, id);
    // 2026-03-29 in Berlin: 02:00 CET jumps to 03:00 CEST, so 02:30 does not occur that day.
    const gap = explain('2026-03-29T00:45:00.000Z');
    expect(gap.nominal).toBe(false);
    expect(gap.reasons.join(' ')).toMatch(/clocks in Europe\/Berlin changed from UTC\+01:00 to UTC\+02:00/);
    await h.engine.stop();
  });
});
