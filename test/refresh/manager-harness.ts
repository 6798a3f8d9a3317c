import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { createMemoryEventStore, createSqliteEventStore, type EventStore } from '../../src/events/index.ts';
import { deferredRefreshTrigger, MaterializedTableManager, type ManagerOptions, sqliteRefreshModel } from '../../src/refresh/manager/index.ts';
import { createDuckDbWarehouse, warehouseFile, type WarehouseExecutor } from '../../src/refresh/warehouse/index.ts';
import { EmbeddedWorkflowScheduler } from '../../src/workflow-scheduler/index.ts';

/** Timers and Date are virtual; setImmediate stays real so DuckDB's and the stores' plumbing keep moving. */
export const FAKE: Parameters<typeof vi.useFakeTimers>[0] = { toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] };

export interface Harness {
  dir: string;
  store: EventStore;
  warehouse: WarehouseExecutor;
  scheduler: EmbeddedWorkflowScheduler;
  manager: MaterializedTableManager;
  errors: unknown[];
  /** Stops manager and scheduler (not the store or warehouse). */
  stop(): Promise<void>;
  /** Another manager + scheduler over the same store and warehouse: a restarted process. */
  restart(overrides?: HarnessOptions): Promise<Harness>;
  close(): Promise<void>;
}

export interface HarnessOptions extends Partial<Omit<ManagerOptions, 'store' | 'warehouse' | 'scheduler'>> {
  storeKind?: 'memory' | 'sqlite';
  warehouse?: WarehouseExecutor;
  /** Keep tables and operations in a refresh.sqlite in the harness's directory (as freshet serve does), reopened at restart. */
  refreshFile?: boolean;
  /** Settle interrupted commands and follow workflows at open, as the runtime does (default); false leaves it to the test. */
  recover?: boolean;
}

export async function openHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'freshet-mgr-'));
  const store = options.storeKind === 'sqlite' ? createSqliteEventStore({ path: join(dir, 'events.db'), durability: 'relaxed' }) : createMemoryEventStore();
  const warehouse = options.warehouse ?? createDuckDbWarehouse();
  await warehouse.open({ path: warehouseFile(dir) });
  return build(dir, store, warehouse, options);
}

async function build(dir: string, store: EventStore, warehouse: WarehouseExecutor, options: HarnessOptions): Promise<Harness> {
  const errors: unknown[] = [];
  const deferred = deferredRefreshTrigger();
  const scheduler = new EmbeddedWorkflowScheduler({ store, trigger: deferred.trigger, defaults: { timeZone: options.timeZone ?? 'UTC' }, engine: { onError: (e) => errors.push(e) } });
  const { storeKind: _k, warehouse: _w, refreshFile, recover = true, ...rest } = options;
  const file = refreshFile ? sqliteRefreshModel(join(dir, 'refresh.sqlite'), { readModel: join(dir, 'refresh.sqlite'), log: join(dir, 'events.db'), storeArgs: '' }) : undefined;
  const manager = new MaterializedTableManager({ timeZone: 'UTC', ...rest, ...(file ? { readModel: file } : {}), store, warehouse, scheduler, onError: (e) => errors.push(e) });
  deferred.bind(manager.asRefreshTrigger());
  await manager.start();
  await scheduler.open();
  if (recover) await manager.recoverInterruptedCommands(); // as freshet's runtime does: tables then follow their workflows live
  const h: Harness = {
    dir,
    store,
    warehouse,
    scheduler,
    manager,
    errors,
    async stop() {
      await scheduler.close();
      await manager.stop();
      file?.close();
    },
    async restart(overrides = {}) {
      const next = overrides.warehouse ?? warehouse;
      return build(dir, store, next, { ...options, ...overrides, warehouse: next });
    },
    async close() {
      await h.stop().catch(() => undefined);
      await warehouse.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Lets the event loop drain (real setImmediate), so DuckDB and appends can progress between virtual ticks. */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Advances virtual time in steps, letting real async work (DuckDB) finish in between. */
export async function advance(ms: number, stepMs = 1_000): Promise<void> {
  for (let left = ms; left > 0; left -= stepMs) {
    await vi.advanceTimersByTimeAsync(Math.min(stepMs, left));
    await settle();
  }
}

/** A warehouse whose refreshes wait for `release()` (or their abort signal) before running: overlaps on demand. */
export function gated(inner: WarehouseExecutor): WarehouseExecutor & { release(): void; waiting(): number } {
  let open = false;
  let waiters: (() => void)[] = [];
  return {
    ...inner,
    open: (o) => inner.open(o),
    close: () => inner.close(),
    execute: (sql, o) => inner.execute(sql, o),
    describeQuery: (q) => inner.describeQuery(q),
    createTable: (id, c, o) => inner.createTable(id, c, o),
    dropTable: (id, o) => inner.dropTable(id, o),
    tableExists: (id) => inner.tableExists(id),
    async refresh(request) {
      if (!open) {
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          request.signal?.addEventListener('abort', () => resolve(), { once: true });
        });
      }
      // As the manager does: an aborted request never reaches the warehouse (see the refresher).
      if (request.signal?.aborted) throw new Error('aborted while gated');
      return inner.refresh(request);
    },
    release() {
      open = true;
      const w = waiters;
      waiters = [];
      for (const r of w) r();
    },
    waiting: () => waiters.length,
  };
}

/** Polls `check` between event-loop turns (no timers), failing after `turns`. */
export async function until(check: () => Promise<boolean> | boolean, what = 'condition', turns = 50_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (await check()) return;
    await settle(1);
  }
  throw new Error(`Timed out waiting for ${what}.`);
}
