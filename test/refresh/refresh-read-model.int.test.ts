import { copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../src/events/index.ts';
import { memoryRefreshModel, rebuildRefreshViews, type RefreshReadModel, sqliteRefreshModel, type StoredOperation } from '../../src/refresh/manager/index.ts';
import type { OperationState } from '../../src/refresh/operations/index.ts';
import { type Harness, openHarness } from './manager-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const T = '`freshet`.`default`.`t`';
const TYPED = '`freshet`.`default`.`typed`';

async function tables(harness: Harness): Promise<void> {
  const m = harness.manager;
  await m.executeStatement(`CREATE TABLE s (ds VARCHAR, v INTEGER)`);
  await m.executeStatement(`INSERT INTO s VALUES ('2024-03-09', 1), ('2024-03-10', 2)`);
  await m.executeStatement(`CREATE MATERIALIZED TABLE t PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' DAY AS SELECT * FROM s`);
  await m.executeStatement(`CREATE TABLE raw (v VARCHAR)`);
  await m.executeStatement(`INSERT INTO raw VALUES ('1'), ('not a number')`);
  await m.executeStatement(`CREATE MATERIALIZED TABLE typed FRESHNESS = INTERVAL '1' DAY AS SELECT CAST(v AS INTEGER) AS n FROM raw`);
}

/** `n` refreshes of t (periodic, one partition per day) and `failing` failed scheduled ones of typed, each to its end. */
async function refreshes(harness: Harness, n: number, failing: number, day0 = 1): Promise<string[]> {
  const handles: string[] = [];
  for (let i = 0; i < n; i++) {
    const day = String(day0 + i).padStart(2, '0');
    handles.push(await harness.manager.refreshMaterializedTable('t', true, `2024-01-${day} 00:00:00`, {}, {}, {}));
  }
  for (let i = 0; i < failing; i++) handles.push(await harness.manager.refreshMaterializedTable('typed', true, `2024-02-0${i + 1} 00:00:00`, {}, {}, {}));
  for (const handle of handles) await harness.manager.waitForOperation(handle);
  return handles;
}

/** What a user sees of both tables: their status and whole history. */
async function seen(harness: Harness) {
  const out: Record<string, unknown> = {};
  for (const t of [T, TYPED]) out[t] = { status: { ...(await harness.manager.getRefreshStatus(t)), progress: null }, history: await harness.manager.getRefreshHistory(t) };
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}

async function rebuilt(harness: Harness) {
  return JSON.parse(JSON.stringify(await (await rebuildRefreshViews(harness.store)).snapshot())) as Record<string, unknown>;
}

/**
 * Counts the distinct operation events the log answers while `work` runs: what a start had to read. Distinct, since
 * each read model checks the event its checkpoint names, and both may name the same one (the head).
 */
async function operationEventsRead<T>(harness: Harness, work: () => Promise<T>): Promise<{ result: T; read: number }> {
  const readAll = harness.store.readAll.bind(harness.store);
  const read = new Set<number>();
  harness.store.readAll = async (options) => {
    const page = await readAll(options);
    for (const e of page) if (e.streamName.startsWith('operation-')) read.add(e.position);
    return page;
  };
  try {
    return { result: await work(), read: read.size };
  } finally {
    harness.store.readAll = readAll;
  }
}

describe('the manager over its refresh read model (refresh.sqlite)', () => {
  it('a restart reads none of the past operations from the log, and answers exactly what a fold of the whole log answers', async () => {
    h = await openHarness({ storeKind: 'sqlite', refreshFile: true, retry: { maxAttempts: 1 }, autoSuspendAfterFailures: 0 });
    await tables(h);
    const handles = await refreshes(h, 24, 3);
    const before = await seen(h);
    await h.stop();
    const first = h;
    const { result: next, read } = await operationEventsRead(first, () => first.restart());
    h = next;
    expect(read).toBeLessThanOrEqual(1); // the event its checkpoint names, read to check it belongs to this log
    expect(await seen(h)).toEqual(before);
    expect(await seen(h)).toEqual(await rebuilt(h));
    expect((await h.manager.getRefreshStatus(TYPED)).consecutiveFailures).toBe(3);

    // An ended operation is read from the model: found, closable, and pages walk the whole history newest first.
    expect(await h.manager.getOperation(handles[0]!)).toMatchObject({ table: T, status: 'FINISHED', partitions: { ds: '2023-12-31' } });
    const walked: string[] = [];
    let before_: number | undefined;
    for (;;) {
      const page = await h.manager.getRefreshOperations(T, { limit: 7, ...(before_ !== undefined ? { before: before_ } : {}) });
      expect(page.total).toBe(24);
      walked.push(...page.operations.map((o) => o.operationHandle));
      if (page.next === null) break;
      before_ = page.next;
    }
    expect(walked).toEqual(handles.slice(0, 24).reverse());
  });

  it('closing the last operation makes the one before it the last, as a fold of the log says, before and after a restart', async () => {
    h = await openHarness({ storeKind: 'sqlite', refreshFile: true, retry: { maxAttempts: 1 } });
    await tables(h);
    const handles = await refreshes(h, 3, 0);
    await h.manager.closeOperation(handles[2]!);
    await h.manager.closeOperation(handles[1]!);
    expect((await h.manager.getRefreshStatus(T)).lastOperation?.operationHandle).toBe(handles[0]);
    expect(await seen(h)).toEqual(await rebuilt(h));
    await h.stop();
    h = await h.restart();
    expect((await h.manager.getRefreshStatus(T)).lastOperation?.operationHandle).toBe(handles[0]);
    expect(await seen(h)).toEqual(await rebuilt(h));
  });

  it('after a crash, what the model saved ahead of its checkpoint is not counted twice: failures, totals and fires stay exact', async () => {
    h = await openHarness({ storeKind: 'sqlite', refreshFile: true, retry: { maxAttempts: 1 }, autoSuspendAfterFailures: 0 });
    await tables(h);
    await refreshes(h, 4, 2);
    await h.manager.getRefreshOperations(T, { limit: 1 }); // a read saves the model: the rest lands after its checkpoint
    await refreshes(h, 3, 2, 10);
    const before = await seen(h);
    const crashed = await h.restart(); // no stop: nothing more is saved
    const old = h;
    h = crashed;
    await old.scheduler.close();
    expect(await seen(h)).toEqual(before);
    expect(await seen(h)).toEqual(await rebuilt(h));
    expect((await h.manager.getRefreshStatus(TYPED)).consecutiveFailures).toBe(4);
    expect((await h.manager.getRefreshOperations(T, { limit: 100 })).total).toBe(7);
  });

  it('an unreadable refresh.sqlite is moved aside, said so, and rebuilt from the log', async () => {
    h = await openHarness({ storeKind: 'sqlite', refreshFile: true, retry: { maxAttempts: 1 } });
    await tables(h);
    await refreshes(h, 2, 0);
    const before = await seen(h);
    await h.stop();
    writeFileSync(join(h.dir, 'refresh.sqlite'), 'not a database at all, but long enough to be read as a header');
    for (const s of ['-wal', '-shm']) if (existsSync(join(h.dir, `refresh.sqlite${s}`))) writeFileSync(join(h.dir, `refresh.sqlite${s}`), '');
    h = await h.restart();
    expect(await seen(h)).toEqual(before);
    expect(readdirSync(h.dir).some((f) => f.startsWith('refresh.sqlite.corrupt-'))).toBe(true);
  });

  it('a refresh.sqlite beside another (emptier) log is refused, naming the file and what to do', async () => {
    h = await openHarness({ storeKind: 'sqlite', refreshFile: true });
    await tables(h);
    await h.stop();
    const other = mkdtempSync(join(tmpdir(), 'freshet-rm-other-'));
    copyFileSync(join(h.dir, 'refresh.sqlite'), join(other, 'refresh.sqlite'));
    const store = createSqliteEventStore({ path: join(other, 'events.db'), durability: 'relaxed' });
    const model = sqliteRefreshModel(join(other, 'refresh.sqlite'), { readModel: join(other, 'refresh.sqlite'), log: join(other, 'events.db'), storeArgs: '' });
    const { MaterializedTableManager } = await import('../../src/refresh/manager/index.ts');
    const m = new MaterializedTableManager({ store, warehouse: h.warehouse, scheduler: h.scheduler, timeZone: 'UTC', readModel: model });
    await expect(m.start()).rejects.toThrow(/refresh\.sqlite is ahead of its event log/);
    model.close();
    await store.close();
  });
});

const op = (handle: string, seq: number, over: Partial<OperationState> = {}): StoredOperation => ({
  seq,
  state: {
    operationHandle: handle, table: 'a', kind: 'periodic', scheduleTime: null, partitions: { ds: `d${seq % 3}` }, dynamicOptions: {}, executionConfig: {}, threads: null, timeoutMs: null,
    maxAttempts: 1, disposition: 'started', workflowId: 'wf', nominalTime: seq * 1000, manual: false, submittedAt: seq, status: 'FINISHED', attempt: 1, retryCount: 0,
    startedAt: seq, endedAt: seq + 1, durationMs: 1, rowsWritten: 1, rowsDeleted: 0, error: null, nextAttemptAt: null, cancelReason: null, version: 3, ...over,
  },
});

describe.each([
  ['memory', () => memoryRefreshModel()],
  ['SQLite', () => sqliteRefreshModel(join(mkdtempSync(join(tmpdir(), 'freshet-rm-')), 'refresh.sqlite'))],
] as [string, () => RefreshReadModel][])('the %s refresh read model', (_name, make) => {
  it('pages newest first by cursor, finds by fire and backfill, keeps the newest version and the furthest checkpoint', async () => {
    const m = make();
    await m.save({ position: 10, event: 'e10' }, [], [1, 2, 3, 4, 5].map((i) => op(`h${i}`, i)));
    await m.save({ position: 12, event: 'e12' }, [], [op('h6', 6, { status: 'RUNNING', endedAt: null, version: 2, backfill: { id: 'b', index: 0 } }), op('h2', 2, { status: 'CLOSED', version: 2 })]);
    await m.save({ position: 11, event: 'e11' }, [], [op('h1', 1, { status: 'CLOSED', version: 4 })]);
    const first = await m.operations('a', { limit: 4 });
    expect(first.operations.map((o) => o.state.operationHandle)).toEqual(['h6', 'h5', 'h4', 'h3']);
    const second = await m.operations('a', { limit: 4, before: first.next! });
    expect(second.operations.map((o) => o.state.operationHandle)).toEqual(['h2', 'h1']);
    expect(second.next).toBeNull();
    expect((await m.operation('h2'))?.status).toBe('FINISHED'); // version 2 is older than the saved 3
    expect((await m.operation('h1'))?.status).toBe('CLOSED');
    expect((await m.operationOfFire('wf', 4000))?.operationHandle).toBe('h4');
    expect(await m.operationOfFire('wf', 4001)).toBeUndefined();
    expect((await m.operationOfBackfill('a', 'b', 0))?.operationHandle).toBe('h6');
    expect((await m.lastEnded('a'))?.operationHandle).toBe('h5');
    expect(await m.lastByPartition('a')).toEqual(new Map([['[["ds","d0"]]', 'RUNNING'], ['[["ds","d1"]]', 'FINISHED'], ['[["ds","d2"]]', 'FINISHED']]));
    const loaded = await m.load();
    expect(loaded.checkpoint).toEqual({ position: 12, event: 'e12' });
    expect(loaded.open.map((o) => o.state.operationHandle)).toEqual(['h6']);
    const all: string[] = [];
    for await (const o of m.allOperations('a')) all.push(o.state.operationHandle);
    expect(all).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
  });
});
