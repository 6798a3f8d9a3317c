import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rebuildRefreshViews } from '../../src/refresh/manager/index.ts';
import { advance, FAKE, type Harness, openHarness } from './manager-harness.ts';

let h: Harness;
const T0 = Date.parse('2024-01-01T23:59:00Z');

beforeEach(async () => {
  vi.useFakeTimers(FAKE);
  vi.setSystemTime(T0);
});

afterEach(async () => {
  await h?.close();
  vi.useRealTimers();
});

const rows = async (sql: string) => {
  const r = await h.manager.executeStatement(sql);
  if (r.kind !== 'query') throw new Error('not a query');
  return r.rows;
};

describe('statement runner end to end', () => {
  it('creates a partitioned materialized table and refreshes exactly the partition each fire is due for', async () => {
    h = await openHarness({ storeKind: 'memory' });
    const m = h.manager;
    await m.executeStatement(`CREATE TABLE orders (ds VARCHAR, amount INTEGER)`);
    await m.executeStatement(`INSERT INTO orders VALUES ('2024-01-01', 10), ('2024-01-01', 5), ('2024-01-02', 7)`);
    const created = await m.executeStatement(`
      CREATE MATERIALIZED TABLE daily_totals
      PARTITIONED BY (ds)
      WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd')
      FRESHNESS = INTERVAL '1' DAY
      AS SELECT ds, sum(amount) AS total FROM orders GROUP BY ds`);
    expect(created).toMatchObject({ kind: 'ddl', table: '`freshet`.`default`.`daily_totals`' });
    const info = await m.getTable('daily_totals');
    expect(info.status).toBe('ACTIVATED');
    expect(info.definition.cronExpression).toBe('0 0 0 * * ? *');
    expect(info.workflow?.status).toBe('ACTIVE');
    expect(await rows('SELECT * FROM daily_totals')).toEqual([]);

    // The 2024-01-02 00:00 fire refreshes ds = 2024-01-01 (schedule time minus one day of freshness).
    await advance(2 * 60_000);
    await m.whenIdle();
    expect(await rows('SELECT ds, total FROM daily_totals ORDER BY ds')).toEqual([['2024-01-01', 15]]);

    // Late data for both days; the next fire (2024-01-03 00:00) rewrites only ds = 2024-01-02.
    await m.executeStatement(`INSERT INTO orders VALUES ('2024-01-01', 100), ('2024-01-02', 1)`);
    await advance(24 * 3_600_000, 60_000);
    await m.whenIdle();
    expect(await rows('SELECT ds, total FROM daily_totals ORDER BY ds')).toEqual([['2024-01-01', 15], ['2024-01-02', 8]]);

    const status = await m.getRefreshStatus('daily_totals');
    expect(status).toMatchObject({ status: 'completed', isHealthy: true, retryCount: 0, errorMessage: null, running: [], queued: [] });
    expect(status.lastSuccessfulRefresh).toMatch(/^2024-01-03T00:0/);
    const history = await m.getRefreshHistory('daily_totals');
    expect(history.map((o) => [o.kind, o.scheduleTime, o.partitions, o.status])).toEqual([
      ['periodic', '2024-01-02 00:00:00', { ds: '2024-01-01' }, 'FINISHED'],
      ['periodic', '2024-01-03 00:00:00', { ds: '2024-01-02' }, 'FINISHED'],
    ]);
    // The fire's operation handle and disposition land in the workflow's occurrence ledger.
    const ledger = await h.scheduler.queries.occurrences(info.workflow!.workflowId, { from: T0, to: T0 + 3 * 86_400_000 });
    expect(ledger.map((o) => JSON.stringify(o))).toHaveLength(2);
    expect(JSON.stringify(ledger)).toContain(history[0]!.operationHandle);
    expect(JSON.stringify(ledger)).toContain('started');

    // The views rebuild from the log to exactly what the live manager shows.
    const rebuilt = await rebuildRefreshViews(h.store);
    expect(JSON.parse(JSON.stringify(await rebuilt.snapshot()))).toEqual(JSON.parse(JSON.stringify({ '`freshet`.`default`.`daily_totals`': { status: { ...status, progress: null }, history } })));
    expect(h.errors).toEqual([]);
  });
});
