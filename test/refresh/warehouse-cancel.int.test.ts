import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  QueryCancelledError,
  RefreshCancelledError,
  RefreshTimeoutError,
  createDuckDbWarehouse,
  warehouseFile,
} from '../../src/refresh/warehouse/index.ts';
import type { RefreshPhase, TableId, WarehouseExecutor } from '../../src/refresh/warehouse/index.ts';

const target: TableId = { catalog: 'freshet', database: 'default', table: 't' };
// Minutes of work if it ran to the end; every test stops it within a few event-loop turns.
const ENDLESS = "SELECT 'b' AS k, count(*) AS n FROM range(1000000000) a, range(100000) b";
let dir: string;
let wh: WarehouseExecutor;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'freshet-wh-cancel-'));
  wh = createDuckDbWarehouse();
  // One connection, so "the connection is usable afterwards" is about the very connection interrupted.
  await wh.open({ path: warehouseFile(dir), maxConnections: 1 });
  await wh.createTable(target, [{ name: 'k', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }], { partitionKeys: ['k'] });
  await wh.execute(`INSERT INTO t VALUES ('a', 1), ('b', 2)`);
});

afterEach(async () => {
  vi.useRealTimers();
  await wh.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `act` one event-loop turn after the refresh reaches `phase`, i.e. once its statement is in flight. */
const onceAt = (phase: RefreshPhase, act: () => void) => (p: RefreshPhase) => {
  if (p === phase) setImmediate(act);
};

const rows = async () => (await wh.execute('SELECT * FROM t ORDER BY k')).rows;

describe('cancelling a refresh', () => {
  it('interrupts the running INSERT, rolls back the DELETE and keeps the connection usable', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const refresh = wh.refresh({ table: target, query: ENDLESS, partitions: { k: 'b' }, signal: controller.signal, onPhase: onceAt('insert', () => controller.abort()) });
    const error = await refresh.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshCancelledError);
    // DuckDB itself stopped the query (not a check between statements).
    expect((error as Error).cause).toMatchObject({ message: expect.stringMatching(/INTERRUPT/) });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await rows()).toEqual([['a', 1], ['b', 2]]);
    expect((await wh.refresh({ table: target, query: "SELECT 'b' AS k, 3 AS n", partitions: { k: 'b' } })).rowsWritten).toBe(1);
    expect(await rows()).toEqual([['a', 1], ['b', 3]]);
  });

  it('never starts when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const phases: RefreshPhase[] = [];
    await expect(wh.refresh({ table: target, query: ENDLESS, partitions: {}, signal: controller.signal, onPhase: (p) => phases.push(p) })).rejects.toMatchObject({
      name: 'RefreshCancelledError',
      reason: 'aborted',
    });
    expect(phases).toEqual([]);
    // ... and gives back what it queued for: the next refresh of the same table still runs.
    const next = await wh.refresh({ table: target, query: "SELECT 'b' AS k, 7 AS n", partitions: { k: 'b' } });
    expect(next).toEqual({ rowsWritten: 1, rowsDeleted: 1 });
  });

  it('stops at the timeout with a RefreshTimeoutError', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const refresh = wh.refresh({ table: target, query: ENDLESS, partitions: {}, timeoutMs: 60_000, onPhase: onceAt('insert', () => vi.advanceTimersByTime(60_000)) });
    await expect(refresh).rejects.toBeInstanceOf(RefreshTimeoutError);
    await expect(refresh).rejects.toThrow(/timeout of 60000 ms/);
    expect(await rows()).toEqual([['a', 1], ['b', 2]]);
  });

  it('is not cancelled by a timeout that does not expire', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const result = await wh.refresh({ table: target, query: "SELECT 'b' AS k, 9 AS n", partitions: { k: 'b' }, timeoutMs: 60_000 });
    expect(result).toEqual({ rowsWritten: 1, rowsDeleted: 1 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is stopped by close(), which then completes', async () => {
    const refresh = wh.refresh({ table: target, query: ENDLESS, partitions: {}, onPhase: onceAt('insert', () => void wh.close()) });
    await expect(refresh).rejects.toMatchObject({ name: 'RefreshCancelledError', reason: 'closed' });
    await wh.close();
    await wh.open({ path: warehouseFile(dir) });
    expect(await rows()).toEqual([['a', 1], ['b', 2]]);
  });

  it('gives up waiting behind another refresh of the same table when cancelled', async () => {
    const first = new AbortController();
    const second = new AbortController();
    const long = wh.refresh({ table: target, query: ENDLESS, partitions: {}, signal: first.signal });
    const queued = wh.refresh({ table: target, query: ENDLESS, partitions: {}, signal: second.signal });
    second.abort();
    await expect(queued).rejects.toBeInstanceOf(RefreshCancelledError);
    first.abort();
    await expect(long).rejects.toBeInstanceOf(RefreshCancelledError);
    expect(await rows()).toEqual([['a', 1], ['b', 2]]);
  });
});

describe('cancelling execute', () => {
  it('interrupts a long query and leaves the connection usable', async () => {
    const controller = new AbortController();
    const query = wh.execute('SELECT count(*) FROM range(1000000000) a, range(100000) b', { signal: controller.signal });
    setImmediate(() => controller.abort());
    await expect(query).rejects.toBeInstanceOf(QueryCancelledError);
    expect((await wh.execute('SELECT 1 AS one')).rows).toEqual([[1]]);
  });
});
