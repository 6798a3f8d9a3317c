import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlinkValidationError } from '../../src/refresh/flink/index.ts';
import { tableStreamName } from '../../src/refresh/manager/index.ts';
import { advance, FAKE, type Harness, openHarness, until } from './manager-harness.ts';

let h: Harness;
const T0 = Date.parse('2024-03-01T00:00:30Z');
const MINUTE = 60_000;
const T = '`freshet`.`default`.`totals`';

beforeEach(() => {
  vi.useFakeTimers(FAKE);
  vi.setSystemTime(T0);
});
afterEach(async () => {
  await h?.close();
  vi.useRealTimers();
});

async function minutelyTable(): Promise<string> {
  await h.manager.executeStatement(`CREATE TABLE orders (amount INTEGER)`);
  await h.manager.executeStatement(`CREATE MATERIALIZED TABLE totals FRESHNESS = INTERVAL '1' MINUTE AS SELECT sum(amount) AS total FROM orders`);
  return (await h.manager.getTable('totals')).workflow!.workflowId;
}

const tableEvents = async () => (await h.store.readStream(tableStreamName(T))).map((e) => ({ type: e.type, actor: e.metadata.actor, data: e.data as Record<string, unknown> }));

describe('a pause of a materialized table (suspend until an instant)', () => {
  it('suspends the table and its workflow, skips the fires meanwhile, and at the instant resumes both, recorded with freshet as actor', async () => {
    h = await openHarness({ storeKind: 'memory' });
    const id = await minutelyTable();
    const end = T0 + 3 * MINUTE + 30_000; // 00:04:00
    const paused = await h.manager.pauseTable('totals', end, { actor: 'ops', reason: 'warehouse maintenance' });
    expect(paused).toMatchObject({ status: 'SUSPENDED', suspendedBy: 'ops', suspendReason: 'warehouse maintenance', suspendedUntil: '2024-03-01T00:04:00.000Z', workflow: { status: 'SUSPENDED', suspendedUntil: '2024-03-01T00:04:00.000Z' } });

    await advance(3 * MINUTE + 20_000); // 00:03:50: three nominal times passed inside the pause
    expect((await h.manager.getTable('totals')).status).toBe('SUSPENDED');
    expect(await h.manager.getRefreshHistory('totals')).toEqual([]);

    await advance(20_000); // past 00:04:00: the workflow resumes itself and the table follows it
    await until(async () => (await h.manager.getTable('totals')).status === 'ACTIVATED', 'the table to resume');
    const resumed = await h.manager.getTable('totals');
    expect(resumed).toMatchObject({ status: 'ACTIVATED', suspendedBy: null, suspendReason: null, suspendedUntil: null, workflow: { status: 'ACTIVE', suspendedUntil: null } });
    expect((await tableEvents()).slice(-2)).toMatchObject([
      { type: 'MaterializedTableSuspended', actor: 'ops', data: { by: 'ops', reason: 'warehouse maintenance', automatic: false, until: end } },
      { type: 'MaterializedTableResumed', actor: 'freshet', data: { by: 'freshet' } },
    ]);

    // Nothing refreshed inside the pause; at its end the times it covered are settled by the misfire policy (the
    // default fires them, as a resume does), and the schedule goes on.
    await advance(MINUTE);
    await until(async () => (await h.manager.getRefreshHistory('totals')).filter((r) => r.status === 'FINISHED').length >= 4, 'the refreshes after the pause');
    const history = await h.manager.getRefreshHistory('totals');
    expect(history.every((r) => Date.parse(r.submittedAt) >= end), JSON.stringify(history.map((r) => r.submittedAt))).toBe(true);
    const ledger = await h.scheduler.queries.occurrences(id, { from: T0, to: Date.now() });
    expect(ledger.map((o) => o.nominalTime)).toEqual(['01', '02', '03', '04', '05'].map((m) => `2024-03-01T00:${m}:00.000Z`));
    expect(h.errors).toEqual([]);
  });

  it('refuses a pause that ends now or before, and writes nothing', async () => {
    h = await openHarness({ storeKind: 'memory' });
    await minutelyTable();
    const before = await h.store.readStream(tableStreamName(T));
    const refused = h.manager.pauseTable('totals', T0, { actor: 'ops' });
    await expect(refused).rejects.toBeInstanceOf(FlinkValidationError);
    await expect(refused).rejects.toThrow('A pause must end in the future: until 2024-03-01T00:00:30.000Z is not after now (2024-03-01T00:00:30.000Z).');
    expect(await h.store.readStream(tableStreamName(T))).toEqual(before);
    expect((await h.manager.getTable('totals')).workflow!.status).toBe('ACTIVE');
  });

  it('a table follows its workflow suspended and resumed through the workflow API, while freshet runs', async () => {
    h = await openHarness({ storeKind: 'memory' });
    const id = await minutelyTable();
    await h.scheduler.suspendWorkflow(id, { actor: 'bob', reason: 'source late' });
    await until(async () => (await h.manager.getTable('totals')).status === 'SUSPENDED', 'the table to follow the suspend');
    expect(await h.manager.getTable('totals')).toMatchObject({ suspendedBy: 'bob', suspendReason: 'source late' });
    await h.scheduler.resumeWorkflow(id, undefined, { actor: 'bob' });
    await until(async () => (await h.manager.getTable('totals')).status === 'ACTIVATED', 'the table to follow the resume');
    // A table command changes its workflow itself: the follower adds nothing to it.
    await h.manager.executeStatement('ALTER MATERIALIZED TABLE totals SUSPEND', { actor: 'carol' });
    await h.manager.executeStatement('ALTER MATERIALIZED TABLE totals RESUME', { actor: 'carol' });
    await advance(1_000);
    expect((await tableEvents()).map((e) => `${e.type} ${e.actor}`).slice(-4)).toEqual([
      'MaterializedTableSuspended bob',
      'MaterializedTableResumed bob',
      'MaterializedTableSuspended carol',
      'MaterializedTableResumed carol',
    ]);
  });
});
