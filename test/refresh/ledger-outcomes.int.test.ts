import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDuckDbWarehouse } from '../../src/refresh/warehouse/index.ts';
import { advance, FAKE, gated, type Harness, openHarness, until } from './manager-harness.ts';

let h: Harness;
const T0 = Date.parse('2024-03-01T00:00:30Z');
const MINUTE = 60_000;

beforeEach(() => {
  vi.useFakeTimers(FAKE);
  vi.setSystemTime(T0);
});
afterEach(async () => {
  await h?.close();
  vi.useRealTimers();
});

async function minutelyTable(): Promise<string> {
  await h.manager.executeStatement(`CREATE TABLE orders (ds VARCHAR, amount INTEGER)`);
  await h.manager.executeStatement(`INSERT INTO orders VALUES ('2024-03-01', 10), ('2024-03-01', 5)`);
  await h.manager.executeStatement(`
    CREATE MATERIALIZED TABLE totals PARTITIONED BY (ds)
    WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd')
    FRESHNESS = INTERVAL '1' MINUTE
    AS SELECT ds, sum(amount) AS total FROM orders GROUP BY ds`);
  const info = await h.manager.getTable('totals');
  return info.workflow!.workflowId;
}

const ledger = (id: string) => h.scheduler.queries.occurrences(id, { from: T0, to: Date.now() });

describe('the occurrence ledger tells what became of each refresh', () => {
  it('records succeeded with partition, rows and duration, then failed with the error once the source is gone', async () => {
    h = await openHarness({ storeKind: 'memory', retry: { maxAttempts: 2, initialBackoffMs: 1_000, maxBackoffMs: 1_000 } });
    const id = await minutelyTable();
    await advance(MINUTE);
    // The fire's refresh runs on DuckDB's threads, in real time: wait for its outcome, not for a number of turns.
    await until(async () => (await ledger(id))[0]?.outcome === 'succeeded', 'the first refresh to succeed');
    const [ok] = await ledger(id);
    expect(ok).toMatchObject({ nominalTime: '2024-03-01T00:01:00.000Z', outcome: 'succeeded', partition: { ds: '2024-03-01' }, rowsWritten: 1, attempts: 1, error: null });
    expect(ok!.durationMs).toBeGreaterThanOrEqual(0);
    expect(ok!.endedAt).not.toBeNull();

    await h.manager.executeStatement('DROP TABLE orders');
    await advance(MINUTE);
    // Each failed attempt waits out its retry delay in virtual time.
    for (let s = 0; s < 120 && (await ledger(id))[1]?.outcome !== 'failed'; s++) await advance(1_000);
    const [, failed] = await ledger(id);
    expect(failed).toMatchObject({ nominalTime: '2024-03-01T00:02:00.000Z', outcome: 'failed', attempts: 2, rowsWritten: null });
    expect(failed!.error).toMatch(/orders/);
    const why = await h.scheduler.queries.explain(id, Date.parse('2024-03-01T00:02:00Z'));
    expect(why.reasons.at(-1)).toMatch(new RegExp(`^Refresh ${failed!.operationHandle} of partition \\{"ds":"2024-03-01"\\} failed after 2 attempts: .*orders`, 's'));
  });

  it('shows a fire in flight as running, one the overlap policy skipped with the operation it yielded to, then both settled', async () => {
    const w = gated(createDuckDbWarehouse());
    h = await openHarness({ storeKind: 'memory', warehouse: w });
    await h.manager.executeStatement(`CREATE TABLE orders (ds VARCHAR, amount INTEGER)`);
    await h.manager.executeStatement(`CREATE MATERIALIZED TABLE totals WITH ('freshet.refresh.overlap' = 'skip') FRESHNESS = INTERVAL '1' MINUTE AS SELECT count(*) AS n FROM orders`);
    const id = (await h.manager.getTable('totals')).workflow!.workflowId;
    await advance(2 * MINUTE);
    await until(async () => (await ledger(id)).length === 2, 'two fires');
    const [first, second] = await ledger(id);
    expect(first).toMatchObject({ nominalTime: '2024-03-01T00:01:00.000Z', outcome: 'running', durationMs: null, endedAt: null });
    expect(second).toMatchObject({ outcome: 'skipped', reason: 'overlap', disposition: 'skipped-overlap', yieldedTo: first!.operationHandle, operationHandle: null });
    w.release();
    await h.manager.whenIdle();
    const settled = await ledger(id);
    expect(settled.map((o) => o.outcome)).toEqual(['succeeded', 'skipped']);
    expect(settled[0]).toMatchObject({ partition: {}, rowsWritten: 1, attempts: 1 });
  });
});
