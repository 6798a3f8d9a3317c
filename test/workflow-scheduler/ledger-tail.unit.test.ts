import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type WorkflowProjection, workflowAsOf } from '../../src/projections/index.ts';
import { WorkflowQueries } from '../../src/workflow-scheduler/index.ts';
import { workflowStreamName } from '../../src/workflows/index.ts';
import { advanceTo, harness } from '../support/engine-harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the ledger’s newest page read from the stream’s tail', () => {
  it('equals the whole-stream fold for every page size, across a schedule change, a suspension and manual fires', async () => {
    const h = harness();
    await h.engine.start();
    const id = await h.create({ cronExpression: '0 * * * * ? *', timeZone: 'UTC', misfirePolicy: 'skip' });
    await advanceTo('2026-03-02T10:20:30.000Z');
    await h.engine.execute(id, id, (now, engineId) => ({ type: 'ModifySchedule', now, engineId, cronExpression: '0/30 * * * * ? *' }), { actor: 'carol' });
    await advanceTo('2026-03-02T11:00:10.000Z');
    await h.engine.execute(id, id, (now, engineId) => ({ type: 'SuspendWorkflow', now, engineId }), { actor: 'alice' });
    await advanceTo('2026-03-02T11:30:00.000Z');
    await h.engine.execute(id, id, (now, engineId) => ({ type: 'ResumeWorkflow', now, engineId, misfireThresholdMs: 60_000 }), { actor: 'bob' });
    await h.engine.execute(id, id, (now, engineId) => ({ type: 'TriggerWorkflow', now, engineId }), { actor: 'bob' });
    await advanceTo('2026-03-02T13:00:00.000Z');
    await h.engine.stop();

    const events = await h.store.readStream(workflowStreamName(id));
    const info = workflowAsOf(events, Number.MAX_SAFE_INTEGER)!;
    const queries = new WorkflowQueries(h.store, { get: () => info } as unknown as WorkflowProjection);
    const from = Date.parse('2026-03-02T09:00:00Z');
    const to = Date.now();
    const all = await queries.occurrences(id, { from, to, limit: 100_000 });
    expect(all.some((o) => o.outcome === 'skipped')).toBe(true);
    for (const limit of [1, 7, 60, 250, 400, 10_000]) {
      const tail = await queries.newestOccurrences(id, { from, to, limit });
      expect(tail.items, `limit ${limit}`).toEqual(all.slice(-limit));
      expect(tail.more, `limit ${limit}`).toBe(all.length > limit);
    }
    const window = await queries.newestOccurrences(id, { from: Date.parse('2026-03-02T11:00:00Z'), to: Date.parse('2026-03-02T11:40:00Z'), limit: 5 });
    expect(window.items).toEqual(all.filter((o) => o.nominalTime >= '2026-03-02T11:00:00.000Z' && o.nominalTime <= '2026-03-02T11:40:00.000Z').slice(-5));
  });
});
