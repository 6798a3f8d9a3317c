import { afterEach, describe, expect, it } from 'vitest';
import { createDuckDbWarehouse, type WarehouseExecutor } from '../../src/refresh/warehouse/index.ts';
import { type Harness, openHarness } from './manager-harness.ts';

/** A warehouse whose refreshes never return: the process "dies" while they run. */
function hanging(inner: WarehouseExecutor): WarehouseExecutor {
  return { ...inner, open: (o) => inner.open(o), close: () => inner.close(), execute: (s, o) => inner.execute(s, o), describeQuery: (q) => inner.describeQuery(q), createTable: (i, c, o) => inner.createTable(i, c, o), dropTable: (i, o) => inner.dropTable(i, o), tableExists: (i) => inner.tableExists(i), refresh: () => new Promise(() => {}) };
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('restart in the middle of a refresh', () => {
  it('a scheduled refresh is retried by the next process, a one-time refresh ends ERROR; none stays RUNNING', async () => {
    const real = createDuckDbWarehouse();
    h = await openHarness({ storeKind: 'sqlite', warehouse: hanging(real), retry: { maxAttempts: 2, initialBackoffMs: 0, maxBackoffMs: 0 } });
    // hanging() forwards open() to the real warehouse, so DDL works.
    await h.manager.executeStatement(`CREATE TABLE s (ds VARCHAR, v INTEGER)`);
    await h.manager.executeStatement(`INSERT INTO s VALUES ('2024-03-09', 1), ('2024-03-10', 2)`);
    await h.manager.executeStatement(`CREATE MATERIALIZED TABLE t PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' DAY AS SELECT * FROM s`);
    await h.manager.executeStatement(`CREATE MATERIALIZED TABLE u FRESHNESS = INTERVAL '1' DAY AS SELECT * FROM s`);
    const periodic = await h.manager.refreshMaterializedTable('t', true, '2024-03-10 00:00:00', {}, {}, {});
    const queued = await h.manager.refreshMaterializedTable('t', true, '2024-03-11 00:00:00', {}, {}, {});
    const oneTime = await h.manager.refreshMaterializedTable('u', false, null, {}, {}, {});
    expect((await h.manager.getOperation(periodic)).status).toBe('RUNNING');
    expect((await h.manager.getOperation(queued)).status).toBe('PENDING');
    expect((await h.manager.getOperation(oneTime)).status).toBe('RUNNING');

    // The process dies (nothing is stopped or recorded); a new one starts over the same store and warehouse file.
    const next = await h.restart({ warehouse: real });
    const m = next.manager;
    const a = await m.waitForOperation(periodic);
    expect(a).toMatchObject({ status: 'FINISHED', attempt: 2, retryCount: 1 });
    expect((await m.getRefreshHistory('t'))[0]!.error).toBeNull();
    expect(await m.waitForOperation(queued)).toMatchObject({ status: 'FINISHED', attempt: 1, partitions: { ds: '2024-03-10' } });
    const b = await m.waitForOperation(oneTime);
    expect(b.status).toBe('ERROR');
    expect(b.error).toMatch(/interrupted because freshet stopped while it ran/);
    const rows = await m.executeStatement('SELECT * FROM t ORDER BY ds');
    expect(rows).toMatchObject({ kind: 'query', rows: [['2024-03-09', 1], ['2024-03-10', 2]] });
    await next.stop();
    h = next;
  });
});

describe('what a restart can recall of a fire', () => {
  it('the operation a workflow fire submitted is found again by workflow and nominal time, after a restart too', async () => {
    h = await openHarness({ storeKind: 'sqlite' });
    await h.manager.executeStatement(`CREATE TABLE s (ds VARCHAR, v INTEGER)`);
    await h.manager.executeStatement(`CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '1' DAY AS SELECT * FROM s`);
    const trigger = h.manager.asRefreshTrigger();
    const t = Date.parse('2024-03-10T00:00:00Z');
    const fire = { workflowId: 'wf-1', workflowName: 'w', workflowGroup: 'g', tableIdentifier: '`freshet`.`default`.`t`', timeZone: 'UTC', dynamicOptions: {}, executionConfig: {}, initConfig: {}, manual: false };
    const submitted = await trigger.fire({ ...fire, scheduleTime: t, scheduleTimeText: '2024-03-10 00:00:00' });
    expect(submitted?.operationHandle).toBeTruthy();
    expect(await trigger.recall!('wf-1', t)).toMatchObject({ operationHandle: submitted!.operationHandle, disposition: 'started' });
    expect(await trigger.recall!('wf-1', t + 1)).toBeNull(); // another time of the same workflow
    expect(await trigger.recall!('wf-2', t)).toBeNull(); // the same time of another workflow

    const next = await h.restart({});
    h = next;
    expect(await next.manager.asRefreshTrigger().recall!('wf-1', t)).toMatchObject({ operationHandle: submitted!.operationHandle });
    await next.manager.whenIdle();
  });
});
