import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../clock/index.ts';
import type { EventStore } from '../../events/index.ts';
import type { RefreshTrigger } from '../../engine/index.ts';
import {
  asSerializableString,
  DEFAULT_CATALOG,
  DEFAULT_DATABASE,
  FlinkValidationError,
  getPeriodRefreshPartition,
  type IdentifierDefaults,
  type ObjectIdentifier,
  parseIdentifier,
  parseStatement,
  validatePartitionSpec,
} from '../flink/index.ts';
import {
  checkRetryPolicy,
  DEFAULT_RETRY,
  IllegalOperationTransitionError,
  OPERATION_STREAM_PREFIX,
  OperationLog,
  type OperationHandle,
  type OperationState,
  resourcesOf,
  type RetryPolicy,
} from '../operations/index.ts';
import type { WarehouseExecutor } from '../warehouse/index.ts';
import { TableLifecycle } from './lifecycle.ts';
import { msg } from './messages.ts';
import { recoverInterruptedCommands } from './recovery.ts';
import { RefreshViews, summarize, type RefreshHistoryEntry } from './projection.ts';
import { Refresher } from './refresher.ts';
import { checkPolicy } from './overlap.ts';
import { TABLE_STREAM_PREFIX, type TableState } from './table-events.ts';
import { type TableContext, TableRegistry } from './table-registry.ts';
import {
  type ManagerOptions,
  OVERLAP_OPTION,
  type OperationSummary,
  type OverlapPolicy,
  type RefreshScheduler,
  type RefreshStatus,
  type StatementContext,
  type StatementResult,
  type TableInfo,
} from './types.ts';

/**
 * The seed's MaterializedTableManager: runs statements (plain DuckDB SQL and Flink's materialized-table DDL), keeps
 * every table's lifecycle and every refresh as events, and refreshes tables when their workflows fire.
 * Call `start()` before use (it loads the log and recovers refreshes a crash left unfinished).
 */
export class MaterializedTableManager {
  readonly timeZone: string;
  private readonly store: EventStore;
  private readonly warehouse: WarehouseExecutor;
  private readonly scheduler: RefreshScheduler;
  private readonly clock: Clock;
  private readonly defaults: IdentifierDefaults;
  private readonly retry: RetryPolicy;
  private readonly autoSuspendAfter: number;
  private readonly overlapDefault: OverlapPolicy;
  private readonly onError: (error: unknown, context: string) => void;
  private readonly views = new RefreshViews();
  private readonly log: OperationLog;
  private readonly registry: TableRegistry;
  private readonly refresher: Refresher;
  private readonly lifecycle: TableLifecycle;
  private ready?: Promise<void>;

  constructor(options: ManagerOptions) {
    this.store = options.store;
    this.warehouse = options.warehouse;
    this.scheduler = options.scheduler;
    this.clock = options.clock ?? systemClock;
    this.timeZone = options.timeZone;
    this.defaults = { catalog: options.defaults?.catalog ?? DEFAULT_CATALOG, database: options.defaults?.database ?? DEFAULT_DATABASE };
    this.retry = checkRetryPolicy({ ...DEFAULT_RETRY, ...options.retry });
    this.autoSuspendAfter = options.autoSuspendAfterFailures ?? 5;
    this.overlapDefault = checkPolicy(options.overlapPolicy ?? 'buffer-all', 'overlapPolicy');
    this.onError = options.onError ?? ((error, context) => console.error(`[freshet refresh] ${context}:`, error));
    this.log = new OperationLog(this.store, this.clock, (event) => this.views.applyOperation(event));
    this.registry = new TableRegistry(this.store, this.clock, (event) => this.views.applyTable(event));
    this.refresher = new Refresher({
      log: this.log,
      warehouse: this.warehouse,
      clock: this.clock,
      retry: this.retry,
      tableOf: (id) => this.registry.get(id),
      onTerminal: (state) => this.afterTerminal(state),
      onError: this.onError,
    });
    this.lifecycle = new TableLifecycle({
      registry: this.registry,
      warehouse: this.warehouse,
      scheduler: this.scheduler,
      timeZone: this.timeZone,
      cancelRefreshes: (id, ctx) => this.refresher.cancelAll(id, `the materialized table ${id} was dropped`, ctx),
    });
  }

  /** Loads tables and operations from the log and recovers unfinished refreshes. Idempotent. */
  start(): Promise<void> {
    this.ready ??= (async () => {
      for (const recorded of await this.store.readAll({ filter: { streamPrefix: [TABLE_STREAM_PREFIX, OPERATION_STREAM_PREFIX] } })) {
        const tableEvent = this.registry.load(recorded);
        if (tableEvent) this.views.applyTable(tableEvent);
        const opEvent = this.log.load(recorded);
        if (opEvent) this.views.applyOperation(opEvent);
      }
      await this.refresher.recover(this.log.all());
    })();
    return this.ready;
  }

  /**
   * Settles table commands a crash left half done (see recovery.ts). Call after the scheduler is open, since the
   * workflows' read model is what it compares with. Returns how many tables it settled.
   */
  async recoverInterruptedCommands(): Promise<number> {
    await this.start();
    return recoverInterruptedCommands({
      registry: this.registry,
      warehouse: this.warehouse,
      scheduler: this.scheduler,
      cancelRefreshes: (id, ctx) => this.refresher.cancelAll(id, `the materialized table ${id} was dropped`, ctx),
    });
  }

  /** Stops retry timers and running refreshes without ending them: the next start() recovers them. */
  async stop(): Promise<void> {
    await this.refresher.stop();
  }

  async executeStatement(sql: string, ctx: StatementContext = {}): Promise<StatementResult> {
    await this.start();
    const stmt = parseStatement(sql, this.defaults);
    const c = this.context(ctx);
    switch (stmt.kind) {
      case 'sql': {
        const r = await this.warehouse.execute(stmt.sql);
        return { kind: 'query', columns: r.columns, rows: r.rows, ...(r.rowsChanged !== undefined ? { rowsChanged: r.rowsChanged } : {}) };
      }
      case 'create': {
        const id = asSerializableString(stmt.identifier);
        const { created } = await this.lifecycle.create(stmt, sql, c);
        return { kind: 'ddl', table: id, message: created ? `Materialized table ${id} created; refresh workflow scheduled (${stmt.cronExpression}, ${this.timeZone}).` : `Materialized table ${id} already exists; nothing was done.` };
      }
      case 'suspend': {
        const id = asSerializableString(stmt.identifier);
        await this.lifecycle.suspend(id, c);
        return { kind: 'ddl', table: id, message: `Materialized table ${id} suspended.` };
      }
      case 'resume': {
        const id = asSerializableString(stmt.identifier);
        await this.lifecycle.resume(id, { ...stmt.options }, c);
        return { kind: 'ddl', table: id, message: `Materialized table ${id} resumed.` };
      }
      case 'refresh': {
        const handle = await this.refreshMaterializedTable(stmt.identifier, false, null, {}, { ...stmt.partition }, {}, ctx);
        return { kind: 'operation', table: asSerializableString(stmt.identifier), operationHandle: handle };
      }
      case 'drop': {
        const id = asSerializableString(stmt.identifier);
        const { dropped } = await this.lifecycle.drop(stmt.identifier, stmt.ifExists, c);
        return { kind: 'ddl', table: id, message: dropped ? `Materialized table ${id} dropped.` : `Materialized table ${id} does not exist; nothing was done.` };
      }
      default: {
        const never: never = stmt;
        throw new Error(`Unknown statement ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * Flink's `refreshMaterializedTable`. A periodic refresh derives its partitions from `scheduleTime` minus the
   * freshness; a one-time refresh uses `staticPartitions`. Validation errors are thrown; the refresh itself runs
   * asynchronously: this resolves once the operation is durably submitted, with its handle.
   */
  async refreshMaterializedTable(
    identifier: string | ObjectIdentifier,
    isPeriodic: boolean,
    scheduleTime: string | null,
    dynamicOptions: Record<string, string> = {},
    staticPartitions: Record<string, string> = {},
    executionConfig: Record<string, string> = {},
    ctx: StatementContext = {},
  ): Promise<OperationHandle> {
    const r = await this.submitRefresh(identifier, isPeriodic, scheduleTime, dynamicOptions, staticPartitions, executionConfig, ctx, null, false);
    if (r.operationHandle === undefined) throw new Error(`The refresh was not submitted (${r.disposition}).`);
    return r.operationHandle;
  }

  async getRefreshStatus(identifier: string | ObjectIdentifier): Promise<RefreshStatus> {
    const table = await this.requireTable(identifier);
    const status = this.views.status(table.definition.identifier);
    const running = status.running[0];
    return { ...status, progress: running ? this.refresher.progressOf(running.operationHandle) : null };
  }

  async getRefreshHistory(identifier: string | ObjectIdentifier): Promise<RefreshHistoryEntry[]> {
    const table = await this.requireTable(identifier);
    return this.views.history(table.definition.identifier);
  }

  /** Interrupts the running DuckDB statement (rolled back: the old rows stay) or drops the waiting refresh. */
  async cancelRefresh(identifier: string | ObjectIdentifier, operationHandle: OperationHandle, ctx: StatementContext = {}): Promise<OperationSummary> {
    const table = await this.requireTable(identifier);
    const op = this.requireOperation(operationHandle);
    if (op.table !== table.definition.identifier) {
      throw new FlinkValidationError(`Operation ${operationHandle} does not belong to materialized table ${table.definition.identifier}.`);
    }
    const c = this.context(ctx);
    const after = await this.refresher.cancel(operationHandle, `cancelled by ${c.actor}${c.reason ? `: ${c.reason}` : ''}`, c);
    if (after.status !== 'CANCELED') throw new IllegalOperationTransitionError(after.status, 'CANCELED', operationHandle);
    return summarize(after);
  }

  /** Flink's closeOperation: a finished operation becomes CLOSED; a running one is cancelled first. */
  async closeOperation(operationHandle: OperationHandle, ctx: StatementContext = {}): Promise<OperationSummary> {
    await this.start();
    const op = this.requireOperation(operationHandle);
    const c = this.context(ctx);
    if (op.status === 'RUNNING' || op.status === 'PENDING' || op.status === 'INITIALIZED') await this.refresher.cancel(operationHandle, `closed by ${c.actor}`, c);
    const closed = await this.log.record(operationHandle, () => [{ type: 'RefreshClosed', data: { operationHandle, table: op.table, closedAt: this.clock.now() } }], c);
    return summarize(closed);
  }

  async getOperation(operationHandle: OperationHandle): Promise<OperationSummary & { table: string }> {
    await this.start();
    const op = this.requireOperation(operationHandle);
    return { table: op.table, ...summarize(op) };
  }

  /** Resolves when the operation ends (FINISHED, CANCELED, ERROR, TIMEOUT or CLOSED). */
  async waitForOperation(operationHandle: OperationHandle): Promise<OperationSummary> {
    await this.start();
    this.requireOperation(operationHandle);
    return summarize(await this.refresher.whenSettled(operationHandle));
  }

  /** Resolves once no refresh runs or waits. */
  async whenIdle(): Promise<void> {
    await this.refresher.whenIdle();
  }

  async listTables(): Promise<TableInfo[]> {
    await this.start();
    return this.registry
      .list()
      .sort((a, b) => a.definition.identifier.localeCompare(b.definition.identifier))
      .map((t) => this.info(t));
  }

  async getTable(identifier: string | ObjectIdentifier): Promise<TableInfo> {
    return this.info(await this.requireTable(identifier));
  }

  /** The engine's port: each fire is a periodic refresh at its nominal time; the disposition goes to the ledger. */
  asRefreshTrigger(): RefreshTrigger {
    return {
      fire: async (request) => {
        const r = await this.submitRefresh(request.tableIdentifier, true, request.scheduleTimeText, request.dynamicOptions, {}, request.executionConfig, { actor: 'freshet-engine', correlationId: `${request.workflowId}@${request.scheduleTime}` }, request.workflowId, request.manual);
        return { disposition: r.disposition, ...(r.operationHandle !== undefined ? { operationHandle: r.operationHandle } : {}) };
      },
    };
  }

  private async submitRefresh(
    identifier: string | ObjectIdentifier,
    isPeriodic: boolean,
    scheduleTime: string | null,
    dynamicOptions: Record<string, string>,
    staticPartitions: Record<string, string>,
    executionConfig: Record<string, string>,
    ctx: StatementContext,
    workflowId: string | null,
    manual: boolean,
  ) {
    const table = await this.requireTable(identifier);
    const d = table.definition;
    const objectId = { catalog: d.catalog, database: d.database, table: d.table };
    for (const [key, value] of Object.entries(staticPartitions ?? {})) {
      if (typeof value !== 'string') throw new FlinkValidationError(msg.nonStringPartitionValue(key));
    }
    const partitions = isPeriodic
      ? getPeriodRefreshPartition(scheduleTime, d.freshness, objectId, d.options, d.timeZone)
      : { ...staticPartitions };
    validatePartitionSpec(partitions, { columns: d.columns, partitionKeys: d.partitionKeys });
    const { threads, timeoutMs } = resourcesOf(executionConfig ?? {});
    const c = this.context(ctx);
    const result = await this.refresher.submit(
      {
        table,
        kind: isPeriodic ? 'periodic' : 'one-time',
        scheduleTime: isPeriodic ? scheduleTime : null,
        partitions,
        dynamicOptions: { ...dynamicOptions },
        executionConfig: { ...executionConfig },
        threads,
        timeoutMs,
        workflowId,
        manual,
        policy: this.policyOf(table),
      },
      c,
    );
    if (result.disposition === 'skipped-overlap') {
      await this.registry.append(d.identifier, [{ type: 'RefreshFireSkipped', data: { identifier: d.identifier, scheduleTime, policy: this.policyOf(table), skippedAt: this.clock.now() } }], c);
    }
    return result;
  }

  private afterTerminal(state: OperationState): void {
    if (state.kind !== 'periodic' || (state.status !== 'ERROR' && state.status !== 'TIMEOUT') || this.autoSuspendAfter <= 0) return;
    const failures = this.views.consecutiveFailures(state.table);
    const table = this.registry.get(state.table);
    if (failures < this.autoSuspendAfter || table?.status !== 'ACTIVATED') return;
    const reason = `Suspended automatically after ${failures} consecutive failed scheduled refreshes; last error: ${state.error ?? 'unknown'}`;
    void this.lifecycle
      .suspend(state.table, { actor: 'freshet-auto-suspend', reason, correlationId: state.operationHandle }, true)
      .catch((error: unknown) => this.onError(error, `auto-suspend ${state.table}`));
  }

  private policyOf(table: TableState): OverlapPolicy {
    const configured = table.definition.options[OVERLAP_OPTION];
    return configured === undefined ? this.overlapDefault : checkPolicy(configured, `table option '${OVERLAP_OPTION}'`);
  }

  private info(t: TableState): TableInfo {
    const id = t.definition.identifier;
    const status = this.views.status(id);
    const running = status.running[0];
    return {
      definition: t.definition,
      status: t.status === 'GONE' ? 'ACTIVATED' : t.status,
      refreshHandlerDescription: t.refreshHandlerDescription,
      overlapPolicy: this.policyOf(t),
      suspendedBy: t.suspendedBy,
      suspendReason: t.suspendReason,
      workflow: t.workflowId ? (this.scheduler.projection.get(t.workflowId) ?? null) : null,
      refresh: { ...status, progress: running ? this.refresher.progressOf(running.operationHandle) : null },
    };
  }

  private async requireTable(identifier: string | ObjectIdentifier): Promise<TableState> {
    await this.start();
    const objectId = typeof identifier === 'string' ? parseIdentifier(identifier, this.defaults) : identifier;
    const id = asSerializableString(objectId);
    const table = this.registry.get(id);
    if (table) return table;
    if (await this.warehouse.tableExists(objectId)) throw new FlinkValidationError(msg.notMaterialized(id));
    throw new FlinkValidationError(msg.notFound(id, this.defaults.catalog), undefined, 'TABLE_NOT_FOUND');
  }

  private requireOperation(handle: OperationHandle): OperationState {
    const op = this.log.get(handle);
    if (!op) throw new FlinkValidationError(`Can not find the submitted operation in the OperationManager with the ${handle}.`, undefined, 'OPERATION_NOT_FOUND');
    return op;
  }

  private context(ctx: StatementContext): TableContext {
    return { actor: ctx.actor ?? 'anonymous', correlationId: ctx.correlationId ?? randomUUID(), ...(ctx.reason ? { reason: ctx.reason } : {}) };
  }
}

