import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { explainInstant, occurrencesFromEvents, toWorkflowInfo } from '../../src/projections/index.ts';
import { WorkflowError, workflowStreamName } from '../../src/workflows/index.ts';
import { CronExpressionError } from '../../src/cron/index.ts';
import { advanceTo, harness } from '../support/engine-harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

const at = (iso: string) => Date.parse(iso);

describe('schedule bounds: fire times in [startAt, endAt) only', () => {
  it('fires inside the bounds only, records no time outside them, and explain says why one outside did not fire', async () => {
    const h = harness();
    await h.engine.start();
    const id = await h.create({ cronExpression: '0 0 * * * ? *', timeZone: 'UTC' });
    await h.command(id, (now, engineId) => ({ type: 'ModifySchedule', now, engineId, startAt: at('2026-03-02T12:00:00Z'), endAt: at('2026-03-02T15:00:00Z') }));
    expect(toWorkflowInfo(h.engine.workflow(id)!, 0)).toMatchObject({ startAt: '2026-03-02T12:00:00.000Z', endAt: '2026-03-02T15:00:00.000Z', nextExecutionTime: '2026-03-02T12:00:00.000Z' });
    await advanceTo('2026-03-02T18:00:01.000Z');
    expect(h.fires.map((f) => f.scheduleTime)).toEqual(['2026-03-02T12:00:00.000Z', '2026-03-02T13:00:00.000Z', '2026-03-02T14:00:00.000Z']);
    const events = await h.store.readStream(workflowStreamName(id));
    expect(occurrencesFromEvents(events, { from: 0, to: Date.now(), limit: 100 }).map((o) => o.nominalTime)).toEqual(h.fires.map((f) => f.scheduleTime));
    expect(toWorkflowInfo(h.engine.workflow(id)!, 0).nextExecutionTime).toBeNull();
    const before = explainInstant(events, at('2026-03-02T11:00:00Z'), null);
    expect(before.nominal).toBe(false);
    expect(before.reasons[0]).toMatch(/but before the schedule's start \(2026-03-02T12:00:00.000Z\)/);
    const after = explainInstant(events, at('2026-03-02T15:00:00Z'), null);
    expect(after.reasons[0]).toMatch(/but at or after the schedule's end \(2026-03-02T15:00:00.000Z\)/);
    await h.engine.stop();
  });

  it('a null bound removes it; a start not before the end and an end already past are refused, writing nothing', async () => {
    const h = harness();
    await h.engine.start();
    const id = await h.create({ cronExpression: '0 0 * * * ? *', timeZone: 'UTC' });
    await h.command(id, (now, engineId) => ({ type: 'ModifySchedule', now, engineId, endAt: at('2026-03-03T00:00:00Z') }));
    const before = (await h.store.readStream(workflowStreamName(id))).length;
    await expect(h.command(id, (now, engineId) => ({ type: 'ModifySchedule', now, engineId, startAt: at('2026-03-04T00:00:00Z') }))).rejects.toThrow(WorkflowError);
    await expect(h.command(id, (now, engineId) => ({ type: 'ModifySchedule', now, engineId, endAt: at('2026-03-02T09:00:00Z') }))).rejects.toThrow(CronExpressionError);
    expect(await h.store.readStream(workflowStreamName(id))).toHaveLength(before);
    await h.command(id, (now, engineId) => ({ type: 'ModifySchedule', now, engineId, endAt: null }));
    expect(toWorkflowInfo(h.engine.workflow(id)!, 0).endAt).toBeNull();
    await h.engine.stop();
  });
});
