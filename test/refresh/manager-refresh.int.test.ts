import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDuckDbWarehouse } from '../../src/refresh/warehouse/index.ts';
import { MAX_WAITING, rebuildRefreshViews } from '../../src/refresh/manager/index.ts';
import { advance, FAKE, gated, type Harness, openHarness, until } from './manager-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  vi.useRealTimers();
});

const T0 = Date.parse('2024-03-10T00:00:00Z');
const TABLE = '`freshet`.`default`.`hourly`';
const rowsOf = async (sql: string) => {
  const r = await h!.manager.executeStatement(sql);
  return r.kind === 'query' ? r.rows : [];
};

async function hourly(harness: Harness, extra = '') {
  await harness.manager.executeStatement(`CREATE TABLE events (ds VARCHAR, hr VARCHAR, v INTEGER)`);
  await harness.manager.executeStatement(`INSERT INTO events VALUES ('2024-03-09', '23', 1), ('2024-03-10', '00', 2), ('2024-03-10', '01', 3)`);
  await harness.manager.executeStatement(`
    CREATE MATERIALIZED TABLE hourly PARTITIONED BY (ds, hr)
    WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd', 'partition.fields.hr.date-formatter' = 'HH'${extra})
    FRESHNESS = INTERVAL '1' HOUR AS SELECT ds, hr, sum(v) AS total FROM events GROUP BY ds, hr`);
}

describe('one-time refresh', () => {
  it('ALTER … REFRESH PARTITION overwrites only the given partition; without PARTITION the whole table', async () => {
    h = await openHarness();
    await hourly(h);
    const r = await h.manager.executeStatement(`ALTER MATERIALIZED TABLE hourly REFRESH PARTITION (ds = '2024-03-10', hr = '01')`);
    expect(r).toMatchObject({ kind: 'operation', table: TABLE });
    const handle = r.kind === 'operation' ? r.operationHandle : '';
    expect(await h.manager.waitForOperation(handle)).toMatchObject({ status: 'FINISHED', kind: 'one-time', partitions: { ds: '2024-03-10', hr: '01' }, rowsWritten: 1, attempt: 1 });
    expect(await rowsOf('SELECT * FROM hourly')).toEqual([['2024-03-10', '01', 3]]);

    const all = await h.manager.refreshMaterializedTable('hourly', false, null, {}, {}, {});
    await h.manager.waitForOperation(all);
    expect(await rowsOf('SELECT * FROM hourly ORDER BY ds, hr')).toEqual([['2024-03-09', '23', 1], ['2024-03-10', '00', 2], ['2024-03-10', '01', 3]]);
  });

  it('a periodic refresh derives its partition from the schedule time minus the freshness, in the manager zone', async () => {
    h = await openHarness({ timeZone: 'Asia/Tokyo' });
    await hourly(h);
    // 09:00 in Tokyo minus one hour → ds 2024-03-10, hr 08: no source rows there, so nothing is written.
    const a = await h.manager.refreshMaterializedTable(TABLE, true, '2024-03-10 09:00:00', {}, {}, {});
    expect(await h.manager.waitForOperation(a)).toMatchObject({ status: 'FINISHED', partitions: { ds: '2024-03-10', hr: '08' }, rowsWritten: 0 });
    const b = await h.manager.refreshMaterializedTable(TABLE, true, '2024-03-10 00:30:00', {}, {}, {});
    expect(await h.manager.waitForOperation(b)).toMatchObject({ status: 'FINISHED', partitions: { ds: '2024-03-09', hr: '23' }, rowsWritten: 1 });
    expect(await rowsOf('SELECT * FROM hourly')).toEqual([['2024-03-09', '23', 1]]);
  });
});

describe('cancelling', () => {
  it('interrupts a long query mid-flight: the operation ends CANCELED and the old rows stay', async () => {
    h = await openHarness();
    await h.manager.executeStatement(`CREATE TABLE src (k VARCHAR, n BIGINT)`);
    await h.manager.executeStatement(`INSERT INTO src VALUES ('a', 1)`);
    await h.manager.executeStatement(`CREATE MATERIALIZED TABLE slow PARTITIONED BY (k) FRESHNESS = INTERVAL '1' DAY AS
      SELECT k, n FROM src UNION ALL SELECT 'z' AS k, count(*) AS n FROM range(1000000000) a, range(100000) b`);
    await h.manager.executeStatement(`INSERT INTO slow VALUES ('a', 42)`);
    const handle = await h.manager.refreshMaterializedTable('slow', false, null, {}, { k: 'a' }, {});
    // Wait until DuckDB is inside the INSERT.
    await until(async () => (await h!.manager.getRefreshStatus('slow')).progress === 0.5, 'the INSERT to start', 50_000);
    expect(await h.manager.getRefreshStatus('slow')).toMatchObject({ status: 'running', progress: 0.5 });
    const started = performance.now();
    const cancelled = await h.manager.cancelRefresh('slow', handle, { actor: 'alice', reason: 'too slow' });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(cancelled).toMatchObject({ status: 'CANCELED' });
    expect(await rowsOf('SELECT * FROM slow')).toEqual([['a', 42]]);
    expect(await h.manager.getRefreshStatus('slow')).toMatchObject({ status: 'cancelled', running: [], queued: [] });
    // Cancelling again is Flink's illegal transition.
    await expect(h.manager.cancelRefresh('slow', handle)).rejects.toThrow(`Failed to convert the Operation Status from CANCELED to CANCELED for ${handle}.`);
  });

  it('a refresh longer than freshet.refresh.timeout ends TIMEOUT with the old rows in place', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    h = await openHarness();
    await h.manager.executeStatement(`CREATE MATERIALIZED TABLE slow2 FRESHNESS = INTERVAL '1' DAY AS SELECT count(*) AS n FROM range(1000000000) a, range(100000) b`);
    const handle = await h.manager.refreshMaterializedTable('slow2', false, null, {}, {}, { 'freshet.refresh.timeout': '30 s', 'parallelism.default': '2' });
    await until(async () => (await h!.manager.getRefreshStatus('slow2')).progress === 0.5, 'the INSERT to start', 50_000);
    await vi.advanceTimersByTimeAsync(30_000);
    const end = await h.manager.waitForOperation(handle);
    expect(end.status).toBe('TIMEOUT');
    expect(end.error).toContain('Refreshing the materialized table `freshet`.`default`.`slow2` occur exception.');
    expect(end.error).toContain('timeout of 30000 ms');
    const op = await h.manager.getOperation(handle);
    expect(op).toMatchObject({ table: '`freshet`.`default`.`slow2`', retryCount: 0 });
  });
});

describe('retries and auto-suspend', () => {
  async function failing(harness: Harness, freshness: string) {
    await harness.manager.executeStatement(`CREATE TABLE raw (v VARCHAR)`);
    await harness.manager.executeStatement(`INSERT INTO raw VALUES ('1')`);
    await harness.manager.executeStatement(`CREATE MATERIALIZED TABLE typed FRESHNESS = INTERVAL ${freshness} AS SELECT CAST(v AS INTEGER) AS n FROM raw`);
    // Data the query cannot cast: every refresh fails at run time from now on.
    await harness.manager.executeStatement(`INSERT INTO raw VALUES ('not a number')`);
  }

  it('a failing scheduled refresh is retried with exponential backoff, then reported ERROR', async () => {
    vi.useFakeTimers(FAKE);
    vi.setSystemTime(T0);
    h = await openHarness({ retry: { maxAttempts: 3, initialBackoffMs: 1_000, maxBackoffMs: 10_000 }, autoSuspendAfterFailures: 0 });
    await failing(h, "'1' DAY");
    const handle = await h.manager.refreshMaterializedTable('typed', true, '2024-03-10 00:00:00', {}, {}, {});
    await until(async () => (await h!.manager.getRefreshStatus('typed')).status === 'retrying', 'the first retry');
    let status = await h.manager.getRefreshStatus('typed');
    expect(status).toMatchObject({ status: 'retrying', retryCount: 1 });
    expect(status.running[0]).toMatchObject({ status: 'RUNNING', attempt: 1, nextAttemptAt: new Date(T0 + 1_000).toISOString() });
    await advance(1_000, 1_000);
    await until(async () => (await h!.manager.getRefreshStatus('typed')).retryCount === 2, 'the second retry');
    status = await h.manager.getRefreshStatus('typed');
    expect(status.running[0]).toMatchObject({ attempt: 2, retryCount: 2, nextAttemptAt: new Date(T0 + 1_000 + 2_000).toISOString() });
    await advance(2_000, 1_000);
    await until(async () => (await h!.manager.getRefreshStatus('typed')).status === 'failed', 'the end');
    const end = await h.manager.waitForOperation(handle);
    expect(end).toMatchObject({ status: 'ERROR', attempt: 3, retryCount: 2 });
    expect(end.error).toContain('Refreshing the materialized table `freshet`.`default`.`typed` occur exception.');
    expect(end.error).toMatch(/Conversion Error|Could not convert/);
    expect(await h.manager.getRefreshStatus('typed')).toMatchObject({ status: 'failed', isHealthy: false, consecutiveFailures: 1 });

    // A one-time refresh is never retried.
    const once = await h.manager.refreshMaterializedTable('typed', false, null, {}, {}, {});
    expect(await h.manager.waitForOperation(once)).toMatchObject({ status: 'ERROR', attempt: 1, retryCount: 0 });

    // Rebuilt from the log, the views equal the live ones.
    const live = { status: { ...(await h.manager.getRefreshStatus('typed')), progress: null }, history: await h.manager.getRefreshHistory('typed') };
    const rebuilt = (await (await rebuildRefreshViews(h.store)).snapshot())['`freshet`.`default`.`typed`'];
    expect(rebuilt).toEqual(live);
  });

  it('after N consecutive failed scheduled refreshes the table suspends itself, with the reason recorded', async () => {
    vi.useFakeTimers(FAKE);
    vi.setSystemTime(T0 + 5_000);
    h = await openHarness({ retry: { maxAttempts: 1 }, autoSuspendAfterFailures: 2 });
    await failing(h, "'10' SECOND");
    await advance(40_000, 1_000);
    await until(async () => (await h!.manager.getTable('typed')).status === 'SUSPENDED', 'the auto-suspend');
    await h.manager.whenIdle();
    const info = await h.manager.getTable('typed');
    expect(info.status).toBe('SUSPENDED');
    expect(info.suspendedBy).toBe('freshet-auto-suspend');
    expect(info.suspendReason).toMatch(/^Suspended automatically after 2 consecutive failed scheduled refreshes; last error: Refreshing the materialized table/);
    expect(info.workflow).toMatchObject({ status: 'SUSPENDED', suspendedBy: 'freshet-auto-suspend' });
    expect(info.refresh.isHealthy).toBe(false);
    // Fires accepted before the suspension still ran (buffer-all); none came after it.
    expect(info.refresh.consecutiveFailures).toBeGreaterThanOrEqual(2);
    const before = (await h.manager.getRefreshHistory('typed')).length;
    expect(before).toBe(info.refresh.consecutiveFailures);
    await advance(30_000, 1_000);
    expect((await h.manager.getRefreshHistory('typed')).length).toBe(before);
    // RESUME clears the failure count.
    await h.manager.executeStatement(`ALTER MATERIALIZED TABLE typed RESUME`);
    expect((await h.manager.getRefreshStatus('typed')).consecutiveFailures).toBe(0);
  });
});

describe('a fire of a table freshet does not hold', () => {
  it('fails with Flink’s not-found message without asking the warehouse (a Map lookup per fire, not a query)', async () => {
    const real = createDuckDbWarehouse();
    let lookups = 0;
    const counting = { ...real, open: real.open.bind(real), close: real.close.bind(real), execute: real.execute.bind(real), describeQuery: real.describeQuery.bind(real), createTable: real.createTable.bind(real), dropTable: real.dropTable.bind(real), refresh: real.refresh.bind(real), tableExists: (i: Parameters<typeof real.tableExists>[0]) => (lookups++, real.tableExists(i)) };
    h = await openHarness({ warehouse: counting });
    await h.manager.executeStatement(`CREATE TABLE plain (v INTEGER)`);
    const fire = (table: string) =>
      h!.manager.asRefreshTrigger().fire({ workflowId: 'w', workflowName: 'n', workflowGroup: 'g', tableIdentifier: `\`freshet\`.\`default\`.\`${table}\``, scheduleTime: 0, scheduleTimeText: '2024-03-10 00:00:00', timeZone: 'UTC', dynamicOptions: {}, executionConfig: {}, initConfig: {}, manual: false });
    lookups = 0;
    for (let i = 0; i < 20; i++) await expect(fire('gone')).rejects.toThrow(/Cannot find table '`freshet`.`default`.`gone`'/);
    expect(lookups).toBe(0);
    // A user's own refresh still learns that the name is a plain table, not a materialized one.
    await expect(h.manager.refreshMaterializedTable('plain', false, null, {}, {}, {})).rejects.toThrow(/plain/);
    expect(lookups).toBe(1);
  });
});

describe('overlap policies', () => {
  async function overlapping(policy: string | undefined) {
    const w = gated(createDuckDbWarehouse());
    h = await openHarness({ warehouse: w });
    await h.manager.executeStatement(`CREATE TABLE s (ds VARCHAR, v INTEGER)`);
    await h.manager.executeStatement(`INSERT INTO s VALUES ('2024-03-09', 1), ('2024-03-10', 2)`);
    const opt = policy ? `, 'freshet.refresh.overlap' = '${policy}'` : '';
    await h.manager.executeStatement(`CREATE MATERIALIZED TABLE t PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd'${opt}) FRESHNESS = INTERVAL '1' DAY AS SELECT * FROM s`);
    const trigger = h.manager.asRefreshTrigger();
    const fire = (day: string) =>
      trigger.fire({ workflowId: 'w', workflowName: 'n', workflowGroup: 'g', tableIdentifier: '`freshet`.`default`.`t`', scheduleTime: 0, scheduleTimeText: `${day} 00:00:00`, timeZone: 'UTC', dynamicOptions: {}, executionConfig: {}, initConfig: {}, manual: false });
    return { w, fire };
  }
  const disposition = (r: unknown) => (r as { disposition: string }).disposition;

  it('buffer-all (the default) runs every fire in order, one at a time', async () => {
    const { w, fire } = await overlapping(undefined);
    const results = [await fire('2024-03-10'), await fire('2024-03-11'), await fire('2024-03-12')];
    expect(results.map(disposition)).toEqual(['started', 'queued', 'queued']);
    const status = await h!.manager.getRefreshStatus('t');
    expect(status.running).toHaveLength(1);
    expect(status.queued.map((q) => q.partitions)).toEqual([{ ds: '2024-03-10' }, { ds: '2024-03-11' }]);
    w.release();
    await h!.manager.whenIdle();
    const history = await h!.manager.getRefreshHistory('t');
    expect(history.map((o) => [o.partitions.ds, o.status])).toEqual([['2024-03-09', 'FINISHED'], ['2024-03-10', 'FINISHED'], ['2024-03-11', 'FINISHED']]);
    // Never two at once: each started after the previous one ended.
    for (let i = 1; i < history.length; i++) expect(history[i]!.startedAt! >= history[i - 1]!.endedAt!).toBe(true);
    expect(await rowsOf('SELECT * FROM t ORDER BY ds')).toEqual([['2024-03-09', 1], ['2024-03-10', 2]]);
  });

  it('buffer-all keeps at most MAX_WAITING fires waiting; the next is skipped as a backlog and recorded', async () => {
    const { w, fire } = await overlapping(undefined);
    const day = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const first = await fire(day(0));
    expect(disposition(first)).toBe('started');
    for (let i = 1; i <= MAX_WAITING; i++) expect(disposition(await fire(day(i)))).toBe('queued');
    expect(await fire(day(MAX_WAITING + 1))).toEqual({ disposition: 'skipped-backlog', yieldedTo: first?.operationHandle });
    expect((await h!.manager.getRefreshStatus('t')).queued).toHaveLength(MAX_WAITING);
    w.release();
    await h!.manager.whenIdle();
    expect((await h!.manager.getRefreshHistory('t')).length).toBe(MAX_WAITING + 1);
  });

  it('skip drops a fire that arrives while one runs, and records it', async () => {
    const { w, fire } = await overlapping('skip');
    const running = await fire('2024-03-10');
    expect(disposition(running)).toBe('started');
    const skipped = await fire('2024-03-11');
    expect(skipped).toEqual({ disposition: 'skipped-overlap', yieldedTo: running?.operationHandle });
    w.release();
    await h!.manager.whenIdle();
    expect((await h!.manager.getRefreshHistory('t')).length).toBe(1);
  });

  it('buffer-one keeps one waiting fire and drops the rest', async () => {
    const { w, fire } = await overlapping('buffer-one');
    const results = [await fire('2024-03-10'), await fire('2024-03-11'), await fire('2024-03-12')];
    expect(results.map(disposition)).toEqual(['started', 'queued', 'skipped-overlap']);
    w.release();
    await h!.manager.whenIdle();
    expect((await h!.manager.getRefreshHistory('t')).map((o) => o.status)).toEqual(['FINISHED', 'FINISHED']);
  });

  it('cancel-other cancels the running refresh and runs the new fire', async () => {
    const { w, fire } = await overlapping('cancel-other');
    const first = (await fire('2024-03-10')) as { operationHandle: string };
    const second = await fire('2024-03-11');
    expect(disposition(second)).toBe('cancelled-other');
    expect(await h!.manager.waitForOperation(first.operationHandle)).toMatchObject({ status: 'CANCELED' });
    w.release();
    await h!.manager.whenIdle();
    expect((await h!.manager.getRefreshHistory('t')).map((o) => [o.partitions.ds, o.status])).toEqual([['2024-03-09', 'CANCELED'], ['2024-03-10', 'FINISHED']]);
  });

  it('a one-time refresh waits its turn whatever the policy', async () => {
    const { w, fire } = await overlapping('skip');
    await fire('2024-03-10');
    const r = await h!.manager.executeStatement(`ALTER MATERIALIZED TABLE t REFRESH PARTITION (ds = '2024-03-10')`);
    const handle = r.kind === 'operation' ? r.operationHandle : '';
    expect((await h!.manager.getOperation(handle)).disposition).toBe('queued');
    w.release();
    expect(await h!.manager.waitForOperation(handle)).toMatchObject({ status: 'FINISHED' });
  });
});
