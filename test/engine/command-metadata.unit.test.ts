import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { harness } from '../support/engine-harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the metadata a command records', () => {
  it('says who and why, when it was decided, and leaves out an empty reason (the REST API drops one too)', async () => {
    const h = harness();
    await h.engine.start();
    const id = await h.create();
    const suspend = (reason: string) =>
      h.engine.execute(id, id, (now) => ({ type: 'SuspendWorkflow', now, engineId: 'engine-a' }), { actor: 'alice', reason, correlationId: 'req-1' });
    await suspend('maintenance window');
    await h.engine.execute(id, id, (now) => ({ type: 'ResumeWorkflow', now, misfireThresholdMs: 60_000, engineId: 'engine-a' }), { actor: 'bob' });
    await suspend('');
    const events = await h.store.readStream(`workflow-${id}`);
    const [first, resume, second] = events.slice(-3).map((e) => e.metadata);
    expect(first).toEqual({ actor: 'alice', reason: 'maintenance window', correlationId: 'req-1', occurredAt: '2026-03-02T10:00:00.000Z' });
    expect(resume).toMatchObject({ actor: 'bob' });
    expect(resume?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toEqual({ actor: 'alice', correlationId: 'req-1', occurredAt: '2026-03-02T10:00:00.000Z' });
    await h.engine.stop();
  });
});
