import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryEventStore, type EventStore } from '../../src/events/index.ts';
import { explainInstant, memoryProjectionPersistence, occurrencesFromEvents, WorkflowProjection } from '../../src/projections/index.ts';
import { WorkflowQueries } from '../../src/workflow-scheduler/index.ts';
import { type MisfirePolicy, workflowStreamName } from '../../src/workflows/index.ts';
import { advanceTo, harness } from '../support/engine-harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * Explains from the whole stream and, beside it, from the indexed ledger (the few rows and events the API reads):
 * the two must say the same.
 */
async function explainer(h: { store: EventStore }, id: string) {
  const events = await h.store.readStream(workflowStreamName(id));
  const projection = new WorkflowProjection(h.store, memoryProjectionPersistence());
  await projection.start();
  const queries = new WorkflowQueries(h.store, projection);
  return async (iso: string) => {
    const t = Date.parse(iso);
    const [o] = occurrencesFromEvents(events, { from: t, to: t, limit: 1 });
    const whole = explainInstant(events, t, o ?? null);
    expect(await queries.explain(id, t), iso).toEqual(whole);
    return whole;
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

    const fired = await explain('2026-03-02T10:15:00.000Z');
    expect(fired).toMatchObject({ nominal: true, outcome: { outcome: 'fired', firedAt: '2026-03-02T10:15:00.000Z' }, schedule: { cronExpression: '0 0/15 * * * ? *', by: 'test' } });

    const off = await explain('2026-03-02T10:20:00.000Z');
    expect(off).toMatchObject({ nominal: false, outcome: null, previous: '2026-03-02T10:15:00.000Z', next: '2026-03-02T10:30:00.000Z' });
    expect(off.reasons[0]).toMatch(/is not a fire time of '0 0\/15 \* \* \* \? \*' \(quartz cron\) in UTC/);

    const skipped = await explain('2026-03-02T10:30:00.000Z');
    expect(skipped).toMatchObject({ nominal: true, outcome: { outcome: 'skipped', reason: 'suspended' } });
    expect(skipped.reasons.at(-1)).toBe(
      "Skipped: the workflow was suspended at 2026-03-02T10:15:01.000Z by alice ('source migration') and resumed at 2026-03-02T11:00:00.000Z by bob; its misfire policy (skip) did not replay it.",
    );

    const before = await explain('2026-03-02T09:45:00.000Z');
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
    expect(await explain('2026-03-02T11:00:00.000Z')).toMatchObject({ nominal: true, schedule: { cronExpression: '0 0 * * * ? *' }, outcome: { outcome: 'fired' } });
    const later = await explain('2026-03-02T12:00:00.000Z');
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
    const gap = await explain('2026-03-29T00:45:00.000Z');
    expect(gap.nominal).toBe(false);
    expect(gap.reasons.join(' ')).toMatch(/clocks in Europe\/Berlin changed from UTC\+01:00 to UTC\+02:00/);
    await h.engine.stop();
  });

  it.each([
    ['skip', 'misfire-skip', /^Skipped: missed while freshet was not running \(nothing recorded from 2026-03-02T10:15:00\.\d{3}Z to 2026-03-02T13:05:00\.000Z\), settled by the misfire policy 'skip'\.$/],
    ['fire-once-now', 'coalesced', /^Skipped: missed from 2026-03-02T10:15:00\.\d{3}Z to 2026-03-02T13:05:00\.000Z and folded into one later fire by the misfire policy 'fire-once-now'\.$/],
  ] as const)('names the outage a %s workflow missed, from the last event recorded before it (%s)', async (policy, reason, words) => {
    const store = createMemoryEventStore();
    const first = harness(store, 'engine-a');
    await first.engine.start();
    const id = await first.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC', misfirePolicy: policy as MisfirePolicy });
    await advanceTo('2026-03-02T10:20:00.000Z');
    await first.engine.stop();
    await advanceTo('2026-03-02T13:05:00.000Z');
    const second = harness(store, 'engine-b');
    await second.engine.start();
    await advanceTo('2026-03-02T13:05:10.000Z');
    await second.engine.stop();
    const explain = await explainer({ store }, id);
    const missed = await explain('2026-03-02T11:30:00.000Z');
    expect(missed.outcome).toMatchObject({ outcome: 'skipped', reason });
    expect(missed.reasons.at(-1)).toMatch(words);
    await explain('2026-03-02T10:15:00.000Z');
    await explain('2026-03-02T13:00:00.000Z');
  });
});
