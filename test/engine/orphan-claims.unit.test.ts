import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryEventStore, type EventStore } from '../../src/events/index.ts';
import type { RecalledFire, RefreshRequest, RefreshTrigger } from '../../src/engine/index.ts';
import { occurrencesFromEvents } from '../../src/projections/index.ts';
import { advanceTo, harness } from '../support/engine-harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const T = Date.parse('2026-03-02T10:15:00.000Z');
const meta = { actor: 'freshet-engine', correlationId: 'c', occurredAt: '2026-03-02T10:14:59.800Z' };

/**
 * What a SIGKILL between a fire and its recorded outcome leaves in the log: the workflow, its claim of 10:15 by an
 * engine that no longer runs (its outcome was held in memory), and — when `deleted` — the workflow deleted since.
 */
async function crashed(store: EventStore, deleted: boolean): Promise<string> {
  vi.setSystemTime(new Date('2026-03-02T10:14:00.000Z'));
  const creator = harness(store, 'engine-creator');
  await creator.engine.start();
  const id = await creator.create({ cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC' });
  await creator.engine.stop();
  const events = [{ type: 'FireClaimed', schemaVersion: 1, data: { nominalTime: T, claimedAt: T - 200, engineId: 'engine-dead', manual: false }, metadata: meta }];
  if (deleted) events.push({ type: 'WorkflowDeleted', schemaVersion: 1, data: { at: T + 1_000 } as never, metadata: meta });
  await store.appendToStream(`workflow-${id}`, events, { expectedVersion: 1 });
  return id;
}

/** A trigger that records fires and answers recall from what `submitted` holds (a refresh manager's operations). */
function recallingTrigger(submitted: Map<number, RecalledFire>) {
  const fired: number[] = [];
  const trigger: RefreshTrigger = {
    fire: async (r: RefreshRequest) => {
      fired.push(r.scheduleTime);
      return { operationHandle: `op-${r.scheduleTime}` };
    },
    recall: async (_id, t) => submitted.get(t) ?? null,
  };
  return { trigger, fired };
}

async function ledgerOf(store: EventStore, id: string) {
  return occurrencesFromEvents(await store.readStream(`workflow-${id}`), { from: 0, to: T + 3_600_000, limit: 10 })[0]!;
}

describe('claims a dead engine left without an outcome', () => {
  it('a fire the trigger recorded is recorded as fired (recovered), not fired again', async () => {
    const store = createMemoryEventStore();
    const id = await crashed(store, false);
    const { trigger, fired } = recallingTrigger(new Map([[T, { firedAt: T + 3, operationHandle: 'op-before-the-crash', disposition: 'started' }]]));
    const heir = harness(store, 'engine-heir', trigger);
    await heir.engine.start();
    await advanceTo('2026-03-02T10:17:00.000Z');
    await heir.engine.stop();
    expect(fired).toEqual([]); // fire-all would have fired 10:15 a second time
    expect(await ledgerOf(store, id)).toMatchObject({ outcome: 'fired', recovered: true, operationHandle: 'op-before-the-crash', firedAt: new Date(T + 3).toISOString() });
  });

  it('a fire the trigger never took still follows the misfire policy', async () => {
    const store = createMemoryEventStore();
    const id = await crashed(store, false);
    const { trigger, fired } = recallingTrigger(new Map());
    const heir = harness(store, 'engine-heir', trigger);
    await heir.engine.start();
    await advanceTo('2026-03-02T10:17:00.000Z');
    await heir.engine.stop();
    expect(fired).toEqual([T]);
    expect(await ledgerOf(store, id)).toMatchObject({ outcome: 'fired', recovered: false, operationHandle: `op-${T}` });
  });

  it('a deleted workflow’s open claim is settled: skipped as deleted when the trigger never took it', async () => {
    const store = createMemoryEventStore();
    const id = await crashed(store, true);
    const { trigger, fired } = recallingTrigger(new Map());
    const heir = harness(store, 'engine-heir', trigger);
    await heir.engine.start();
    expect((await ledgerOf(store, id)).outcome).toBe('claimed'); // its engine might still record it...
    await advanceTo('2026-03-02T10:16:30.000Z'); // ... until the misfire threshold has passed
    await heir.engine.stop();
    expect(fired).toEqual([]);
    expect(await ledgerOf(store, id)).toMatchObject({ outcome: 'skipped', reason: 'deleted' });
  });

  it('a deleted workflow’s open claim is settled: fired (recovered) when the trigger took it', async () => {
    const store = createMemoryEventStore();
    const id = await crashed(store, true);
    const { trigger } = recallingTrigger(new Map([[T, { firedAt: T + 3, operationHandle: 'op-before-the-crash' }]]));
    const heir = harness(store, 'engine-heir', trigger);
    await heir.engine.start();
    await advanceTo('2026-03-02T10:16:30.000Z');
    await heir.engine.stop();
    expect(await ledgerOf(store, id)).toMatchObject({ outcome: 'fired', recovered: true, operationHandle: 'op-before-the-crash' });
  });

  it('a deleted workflow’s open claim is settled with an unknown outcome when the trigger keeps no record', async () => {
    const store = createMemoryEventStore();
    const id = await crashed(store, true);
    const heir = harness(store, 'engine-heir'); // the harness trigger has no recall
    await heir.engine.start();
    await advanceTo('2026-03-02T10:16:30.000Z');
    await heir.engine.stop();
    const o = await ledgerOf(store, id);
    expect(o).toMatchObject({ outcome: 'fired', recovered: true });
    expect(o.error).toMatch(/whether it ran is unknown/);
  });
});
