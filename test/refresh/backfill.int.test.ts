import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackfillService, statusOf } from '../../src/refresh/backfill/index.ts';
import { createDuckDbWarehouse } from '../../src/refresh/warehouse/index.ts';
import { systemClock } from '../../src/clock/index.ts';
import { FAKE, gated, type Harness, openHarness, until } from './manager-harness.ts';

let h: Harness;
let b: BackfillService | undefined;
const T0 = Date.parse('2024-03-10T12:00:00Z');
const at = (iso: string) => Date.parse(iso);

beforeEach(() => {
  vi.useFakeTimers(FAKE);
  vi.setSystemTime(T0);
});
afterEach(async () => {
  await b?.stop();
  await h?.close();
  vi.useRealTimers();
});

/** A daily-partitioned table refreshed every 5 seconds (Flink's freshness rule: cron 0/5 * * * * ? *). */
async function dailyAtFiveSeconds(harness: Harness) {
  await harness.manager.executeStatement(`CREATE TABLE orders (ds VARCHAR, amount INTEGER)`);
  await harness.manager.executeStatement(`INSERT INTO orders VALUES ('2024-03-01', 1), ('2024-03-02', 2), ('2024-03-02', 3), ('2024-03-03', 4), ('2024-03-04', 5)`);
  await harness.manager.executeStatement(`
    CREATE MATERIALIZED TABLE totals PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd')
    FRESHNESS = INTERVAL '5' SECOND AS SELECT ds, sum(amount) AS total FROM orders GROUP BY ds`);
  await harness.manager.executeStatement(`ALTER MATERIALIZED TABLE totals SUSPEND`); // only the backfill refreshes
}

const service = (harness: Harness) => new BackfillService({ store: harness.store, clock: systemClock, tables: harness.manager, onError: (e) => harness.errors.push(e) });
const rows = async () => {
  const r = await h.manager.executeStatement('SELECT ds, total FROM totals ORDER BY ds');
  return r.kind === 'query' ? r.rows : [];
};

describe('backfill: a range of nominal times → one refresh per distinct partition', () => {
  it('plans 51,840 five-second times over three days as the four partitions Flink’s rule gives, runs them, and a second backfill finds them covered', async () => {
    h = await openHarness({ storeKind: 'memory' });
    await dailyAtFiveSeconds(h);
    b = service(h);
    await b.open();
    const plan = await b.plan('totals', at('2024-03-02T00:00:00Z'), at('2024-03-05T00:00:00Z'), 'none');
    // The first time, 03-02 00:00:00, refreshes 03-01 (its time minus the 5-second freshness).
    expect(plan.partitions.map((p) => [p.partition.ds, p.nominalTimes])).toEqual([
      ['2024-03-01', 1],
      ['2024-03-02', 17_280],
      ['2024-03-03', 17_280],
      ['2024-03-04', 17_279],
    ]);
    const started = await b.start('totals', at('2024-03-02T00:00:00Z'), at('2024-03-05T00:00:00Z'), 'none', { actor: 'alice', correlationId: 'c1' });
    await until(() => statusOf(b!.get(started.backfillId)!) !== 'running', 'the backfill to finish');
    const done = b.get(started.backfillId)!;
    expect(statusOf(done)).toBe('succeeded');
    expect(done.requestedBy).toBe('alice');
    expect(await rows()).toEqual([['2024-03-01', 1], ['2024-03-02', 5], ['2024-03-03', 4], ['2024-03-04', 5]]);
    const history = await h.manager.getRefreshHistory('totals');
    expect(history.map((o) => o.partitions.ds)).toEqual(['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04']);

    expect((await b.plan('totals', at('2024-03-02T00:00:00Z'), at('2024-03-05T00:00:00Z'), 'none')).partitions).toEqual([]);
    expect((await b.plan('totals', at('2024-03-02T00:00:00Z'), at('2024-03-05T00:00:00Z'), 'failed')).covered).toHaveLength(4);
    expect((await b.plan('totals', at('2024-03-02T00:00:00Z'), at('2024-03-05T00:00:00Z'), 'all')).partitions).toHaveLength(4);
    await expect(b.plan('totals', at('2024-03-05T00:00:00Z'), at('2024-03-02T00:00:00Z'), 'none')).rejects.toThrow(/must not be empty/);
  });

  it('a restart mid-backfill resumes from its stream and never refreshes a partition twice', async () => {
    const w = gated(createDuckDbWarehouse());
    h = await openHarness({ storeKind: 'memory', warehouse: w });
    await dailyAtFiveSeconds(h);
    b = service(h);
    await b.open();
    const started = await b.start('totals', at('2024-03-02T00:00:00Z'), at('2024-03-04T00:00:00Z'), 'all', { actor: 'alice', correlationId: 'c2' });
    await until(() => b!.get(started.backfillId)!.partitions[0]!.operationHandle !== null, 'the first partition submitted');
    const first = b.get(started.backfillId)!.partitions[0]!.operationHandle;
    await b.stop(); // the process goes away while partition 0 runs
    b = service(h);
    await b.open(); // a new process reads the stream and resumes
    w.release();
    await until(() => statusOf(b!.get(started.backfillId)!) !== 'running', 'the resumed backfill to finish');
    const done = b.get(started.backfillId)!;
    expect(done.partitions[0]!.operationHandle).toBe(first);
    expect(statusOf(done)).toBe('succeeded');
    expect((await h.manager.getRefreshHistory('totals')).map((o) => o.partitions.ds)).toEqual(['2024-03-01', '2024-03-02', '2024-03-03']);
  });

  it('cancel stops submitting and cancels the running refresh', async () => {
    const w = gated(createDuckDbWarehouse());
    h = await openHarness({ storeKind: 'memory', warehouse: w });
    await dailyAtFiveSeconds(h);
    b = service(h);
    await b.open();
    const started = await b.start('totals', at('2024-03-02T00:00:00Z'), at('2024-03-05T00:00:00Z'), 'all', { actor: 'alice', correlationId: 'c3' });
    await until(() => b!.get(started.backfillId)!.partitions[0]!.operationHandle !== null, 'the first partition submitted');
    const cancelled = await b.cancel(started.backfillId, { actor: 'bob', correlationId: 'c4' });
    expect(statusOf(cancelled)).toBe('cancelled');
    expect(cancelled.partitions.map((p) => p.outcome)).toEqual(['cancelled', null, null, null]);
    expect(await h.manager.getRefreshHistory('totals')).toHaveLength(1);
  });
});
