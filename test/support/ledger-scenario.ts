import { createMemoryEventStore, type EventStore, type RecordedEvent } from '../../src/events/index.ts';
import { workflowStreamName } from '../../src/workflows/index.ts';
import { advanceTo, harness } from './engine-harness.ts';

/**
 * Three hours of a per-minute workflow whose ledger has every kind of entry the fold knows: fires under two
 * schedules (a change at 10:20:30), a suspension's skipped range (11:00–11:30, policy skip), a manual fire and the
 * fires after it. Runs under fake timers set to 2026-03-02T10:00Z.
 */
export async function ledgerScenario(store: EventStore = createMemoryEventStore()): Promise<{ id: string; events: RecordedEvent[] }> {
  const h = harness(store);
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
  return { id, events: await store.readStream(workflowStreamName(id)) };
}
