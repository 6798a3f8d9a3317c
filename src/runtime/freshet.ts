import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Clock, hostTimeZone, requireTimeZone, systemClock } from '../clock/index.ts';
import { type EventStore, openEventStore, storeKindOf } from '../events/index.ts';
import { openProjectionPersistence } from '../projections/index.ts';
import type { MisfirePolicy } from '../workflows/index.ts';
import type { RefreshTrigger } from '../engine/index.ts';
import { type AllowListOptions, GatewayAllowList, RemoteExecutor, type RemoteTriggerOptions } from '../flink-gateway-client/index.ts';
import { BackfillService, createDuckDbWarehouse, deferredRefreshTrigger, MaterializedTableManager, memoryRefreshModel, sqliteRefreshModel, type WarehouseExecutor, warehouseFile } from '../refresh/index.ts';
import { EmbeddedWorkflowScheduler } from '../workflow-scheduler/index.ts';
import { archiveDir, withArchives } from '../archive/index.ts';
import { ArchiveSchedule, type ArchiveScheduleOptions } from './archive-schedule.ts';
import { recallingRemoteFires, withoutWarehouse } from './cluster-trigger.ts';
import { incarnationOf, resolveNodeId } from './node-identity.ts';
import { acquireNodeLease, type NodeLease, type WarehouseMode } from './node-lease.ts';

export interface FreshetConfig {
  /** Where the embedded store, read models and warehouse live (default ./data). */
  dataDir: string;
  /** 'sqlite' (default), 'sqlite:<path>', 'memory', or an esdb:// URL. */
  store: string;
  /** Zone of new workflows and of partition computation (default: the host zone). */
  timeZone: string;
  /** Directories statements may read files from (CSV sources, say); none by default. See the README. */
  allowReadDirs?: string[];
  misfirePolicy?: MisfirePolicy;
  catchUpWindowMs?: number;
  claimLeadMs?: number;
  misfireThresholdMs?: number;
  /** This node's identity (claims, logs, other nodes): given, else the one kept in the data directory. */
  nodeId: string;
  /** The id this run's engine claims with: the node id, and on a shared store a suffix of this run (node-identity.ts). */
  engineId: string;
  /** 'embedded' (default): refreshes run in this node's DuckDB; 'gateway': only through gateways (a cluster node). */
  warehouse: WarehouseMode;
}

export interface FreshetRuntime {
  config: FreshetConfig;
  clock: Clock;
  store: EventStore;
  scheduler: EmbeddedWorkflowScheduler;
  warehouse: WarehouseExecutor;
  /** Materialized tables: statements, refreshes, operations (Flink's MaterializedTableManager). */
  tables: MaterializedTableManager;
  /** Backfills of tables' past nominal times, one refresh per distinct partition. */
  backfills: BackfillService;
  /** What opening had to repair that an operator should hear about (a damaged read model rebuilt, say). */
  notices: readonly string[];
  /** Where workflows may send refresh requests (restEndpointUrl); the server adds its own address. */
  gateways: GatewayAllowList;
  /** The periodic archive run, when `archive` was given. */
  archive?: ArchiveSchedule;
  /** Starts the engine of a runtime opened with `engine: 'deferred'` (idempotent). */
  startEngine(): Promise<void>;
  /** `graceMs`: how long running refreshes may take to finish before they are cut (default 0). */
  close(options?: { graceMs?: number }): Promise<void>;
}

export interface OpenFreshetOptions extends Partial<Omit<FreshetConfig, 'engineId'>> {
  clock?: Clock;
  /** What a fire runs; the materialized-table manager by default. */
  trigger?: RefreshTrigger;
  /** Consecutive failed scheduled refreshes before a table suspends itself (default 5; 0 = never). */
  autoSuspendAfterFailures?: number;
  /** The upstream Flink gateway and other allowed gateways a workflow's restEndpointUrl may name. */
  gateways?: AllowListOptions;
  /** Timeouts and retries of fires sent to a remote gateway. */
  remote?: RemoteTriggerOptions;
  /**
   * 'deferred': open everything but the engine, which `startEngine()` starts (a server listens first, so
   * /healthz answers while a big log loads). Default: started before openFreshet resolves.
   */
  engine?: 'started' | 'deferred';
  /**
   * On a PostgreSQL store the node holds a lease (node-lease.ts); when it is lost the engine stops firing at once
   * and this is told why (a server exits: its claims are taken over by the other nodes).
   */
  onLeaseLost?: (reason: string) => void;
  /** Retention: archive fire-level history older than the retention every `everyMs` (default: never). */
  archive?: Omit<ArchiveScheduleOptions, 'store' | 'dataDir' | 'clock' | 'logName'>;
}

/** The lease is checked every second (or more often), and lost when a check takes half the misfire threshold. */
function leaseTimeouts(misfireThresholdMs: number): { heartbeatMs: number; timeoutMs: number } {
  const timeoutMs = Math.max(1_000, Math.floor(misfireThresholdMs / 2));
  return { timeoutMs, heartbeatMs: Math.min(1_000, Math.floor(timeoutMs / 3)) };
}

/** Opens freshet on the configured store: the engine starts, catches up on missed fires, and runs until close(). */
export async function openFreshet(options: OpenFreshetOptions = {}): Promise<FreshetRuntime> {
  const dataDir = options.dataDir ?? './data';
  const storeSpec = options.store ?? 'sqlite';
  const warehouseMode = options.warehouse ?? 'embedded';
  if (warehouseMode !== 'embedded' && warehouseMode !== 'gateway') throw new TypeError(`warehouse must be 'embedded' or 'gateway', got ${String(warehouseMode)}.`);
  const shared = storeKindOf(storeSpec) === 'postgres';
  mkdirSync(dataDir, { recursive: true });
  const nodeId = resolveNodeId(options.nodeId, dataDir);
  const config: FreshetConfig = {
    dataDir,
    store: storeSpec,
    // Checked before anything opens: an unknown zone would otherwise fail every later CREATE MATERIALIZED TABLE.
    timeZone: options.timeZone === undefined ? hostTimeZone() : requireTimeZone(options.timeZone, 'the time zone of new workflows'),
    ...(options.allowReadDirs ? { allowReadDirs: options.allowReadDirs } : {}),
    ...(options.misfirePolicy ? { misfirePolicy: options.misfirePolicy } : {}),
    ...(options.catchUpWindowMs !== undefined ? { catchUpWindowMs: options.catchUpWindowMs } : {}),
    ...(options.claimLeadMs !== undefined ? { claimLeadMs: options.claimLeadMs } : {}),
    ...(options.misfireThresholdMs !== undefined ? { misfireThresholdMs: options.misfireThresholdMs } : {}),
    nodeId,
    engineId: shared ? incarnationOf(nodeId) : nodeId,
    warehouse: warehouseMode,
  };
  const clock = options.clock ?? systemClock;
  // A shared store: the lease first, so a node that may not join is refused before it opens anything.
  let fence = (): void => undefined;
  let lost: string | undefined;
  const lease: NodeLease | undefined = shared
    ? await acquireNodeLease({
        store: config.store,
        nodeId: config.nodeId,
        warehouse: config.warehouse,
        // A node cut off must stop firing before the others take its claims over (after the misfire threshold);
        // no sooner, or a node whose event loop was busy for a few seconds (a big start) would fence itself.
        ...leaseTimeouts(config.misfireThresholdMs ?? 60_000),
        onLost: (reason) => {
          lost = reason;
          fence();
          options.onLeaseLost?.(reason);
        },
      })
    : undefined;
  const store = openEventStore(config.store, config.dataDir, { clock });
  // Rebuilds of the read models fold the log with its archives, so archiving changes none of them.
  const history = storeKindOf(config.store) === 'sqlite' ? withArchives(store, archiveDir(config.dataDir)) : store;
  const projection = openProjectionPersistence(config.store, config.dataDir);
  // Tables and refresh operations between runs: beside the SQLite log; in memory (folded from the log at each
  // start) on the other stores.
  const refreshModel = storeKindOf(config.store) === 'sqlite' ? sqliteRefreshModel(refreshModelFile(config.dataDir), { ...projection.location, readModel: refreshModelFile(config.dataDir) }) : undefined;
  const warehouse = createDuckDbWarehouse();
  // The scheduler fires into the manager and the manager drives the scheduler: a deferred trigger ties the knot.
  const deferred = deferredRefreshTrigger();
  const scheduler = new EmbeddedWorkflowScheduler({
    store,
    history,
    clock,
    projection,
    trigger: options.trigger ?? deferred.trigger,
    defaults: { timeZone: config.timeZone, ...(config.misfirePolicy ? { misfirePolicy: config.misfirePolicy } : {}), ...(config.catchUpWindowMs !== undefined ? { catchUpWindowMs: config.catchUpWindowMs } : {}) },
    engine: {
      engineId: config.engineId,
      ...(config.claimLeadMs !== undefined ? { claimLeadMs: config.claimLeadMs } : {}),
      ...(config.misfireThresholdMs !== undefined ? { misfireThresholdMs: config.misfireThresholdMs } : {}),
    },
  });
  const tables = new MaterializedTableManager({
    // The table summaries (failures in a row, last success, operation counts) fold ended operations too, some of
    // which may be archived: a rebuilt refresh.sqlite reads them back from the archives rather than losing them.
    store: history,
    warehouse,
    scheduler,
    clock,
    timeZone: config.timeZone,
    logName: projection.location.log,
    readModel: refreshModel ?? memoryRefreshModel(),
    ...(options.autoSuspendAfterFailures !== undefined ? { autoSuspendAfterFailures: options.autoSuspendAfterFailures } : {}),
  });
  // A workflow whose restEndpointUrl names another gateway refreshes there; freshet's own (or none) refreshes here.
  const gateways = new GatewayAllowList(options.gateways);
  const remote = new RemoteExecutor({ store, clock, gateways }, { onError: (error, where) => console.error(`[freshet remote] ${where}:`, error), ...options.remote });
  const local = config.warehouse === 'embedded' ? tables.asRefreshTrigger() : withoutWarehouse(tables.asRefreshTrigger());
  deferred.bind(recallingRemoteFires(remote.trigger(local), gateways, (id) => scheduler.engine.workflow(id)));
  // A lost lease stops the fires now; the store and the server are closed by whoever opened them.
  fence = () => void scheduler.engine.stop().catch(() => undefined);
  if (lost !== undefined) fence();
  const backfills = new BackfillService({ store, clock, tables, onError: (error, where) => console.error(`[freshet backfill] ${where}:`, error) });
  try {
    await warehouse.open({ path: warehouseFile(config.dataDir), allowReadDirs: config.allowReadDirs ?? [] });
    // The workflows' read model first: a read model that does not belong to this log is refused by the check that
    // names it, before the manager reads its own. A fire meanwhile waits for the manager's start (it is memoized).
    await scheduler.open({ engine: options.engine !== 'deferred' });
    await tables.start();
    await tables.recoverInterruptedCommands();
    await backfills.open();
    await remote.start();
  } catch (error) {
    await remote.stop().catch(() => undefined);
    await backfills.stop().catch(() => undefined);
    await scheduler.close().catch(() => undefined);
    await tables.stop().catch(() => undefined);
    refreshModel?.close();
    await warehouse.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    await lease?.release();
    throw error;
  }
  const archive = options.archive ? new ArchiveSchedule({ ...options.archive, store, dataDir: config.dataDir, clock, logName: projection.location.log }) : undefined;
  archive?.start();
  let closed = false;
  return {
    ...(archive ? { archive } : {}),
    config,
    clock,
    store,
    scheduler,
    warehouse,
    tables,
    backfills,
    gateways,
    notices: [...projection.notices, ...(refreshModel?.notices ?? [])],
    startEngine: () => (lost === undefined ? scheduler.startEngine() : Promise.reject(new Error(`The node lost its lease: ${lost}.`))),
    // Fires stop first (their refreshes still finish), then the manager, then the warehouse and the log.
    close: async (options = {}) => {
      if (closed) return;
      closed = true;
      await archive?.stop();
      await scheduler.close();
      await remote.stop();
      await backfills.stop();
      await tables.stop(options.graceMs ?? 0);
      refreshModel?.close();
      await warehouse.close();
      try {
        await store.close();
      } finally {
        // Last: the node id stays taken until its fires are settled and its appends are in.
        await lease?.release();
      }
    },
  };
}

/** The refresh read model's file (sqlite-read-model.ts), beside the log's read model. */
export const refreshModelFile = (dataDir: string): string => join(dataDir, 'refresh.sqlite');

/**
 * Drops the refresh read model of a data directory (replay --rebuild): it is a cache of the log, so the next start
 * folds the whole log into a new one. Answers whether there was one.
 */
export function discardRefreshModel(dataDir: string): boolean {
  const path = refreshModelFile(dataDir);
  const existed = existsSync(path);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  return existed;
}
