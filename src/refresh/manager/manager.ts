import { randomUUID } from 'node:crypto';
import type { Subscription } from 'rxjs';
import { type Clock, systemClock } from '../../clock/index.ts';
import type { CommandContext, EventStore } from '../../events/index.ts';
import type { RefreshOutcome, RefreshTrigger } from '../../engine/index.ts';
import { DEFAULT_CATALOG, DEFAULT_DATABASE, FlinkValidationError, type IdentifierDefaults, type ObjectIdentifier, parseStatement } from '../flink/index.ts';
import {
  checkRetryPolicy,
  DEFAULT_RETRY,
  IllegalOperationTransitionError,
  isTerminalStatus,
  OperationLog,
  type OperationHandle,
  type OperationState,
  refreshOutcomeOf,
} from '../operations/index.ts';
import type { WarehouseExecutor } from '../warehouse/index.ts';
import { TableLifecycle } from './lifecycle.ts';
import { recoverInterruptedCommands } from './recovery.ts';
import { RefreshViews, summarize, type RefreshHistoryEntry } from './projection.ts';
import { memoryRefreshModel } from './memory-read-model.ts';
import type { RefreshReadModel } from './read-model.ts';
import { RefreshState } from './refresh-state.ts';
import { Refresher } from './refresher.ts';
import { type RefreshAsk, RefreshSubmission } from './refresh-submission.ts';
import { checkPolicy } from './overlap.ts';
import { dispatchStatement } from './statements.ts';
import { TableQueries } from './table-queries.ts';
import { TableRegistry } from './table-registry.ts';
import { followWorkflowStatus } from './workflow-follower.ts';
import type { ManagerOptions, OperationSummary, RefreshScheduler, RefreshStatus, StatementContext, StatementResult, TableInfo } from './types.ts';

/**
 * The MaterializedTableManager, Flink's face of materialized tables: runs statements (statements.ts), submits
 * refreshes (refresh-submission.ts) that the refresher runs, answers table queries (table-queries.ts), keeps
 * every table's lifecycle (lifecycle.ts) and every refresh as events, and refreshes tables when their workflows fire.
 * Call `start()` before use (it loads the log and recovers refreshes a crash left unfinished).
 * A little over 250 lines on purpose: it is the one facade Flink's manager API maps to, and each method only
 * delegates to the files above; cutting it in two would split that API across two classes.
 */
export class MaterializedTableManager {
  readonly timeZone: string;
  private readonly store: EventStore;
  private readonly warehouse: WarehouseExecutor;
  private readonly scheduler: RefreshScheduler;
  private readonly clock: Clock;
  private readonly defaults: IdentifierDefaults;
  private readonly autoSuspendAfter: number;
  private readonly logName: string;
  private readonly onError: (error: unknown, context: string) => void;
  private following?: Subscription;
  private readonly views = new RefreshViews();
  private readonly model: RefreshReadModel;
  private readonly state: RefreshState;
  private readonly log: OperationLog;
  private readonly registry: TableRegistry;
  private readonly refresher: Refresher;
  private readonly lifecycle: TableLifecycle;
  private readonly queries: TableQueries;
  private readonly submission: RefreshSubmission;
  private ready?: Promise<void>;

  constructor(options: ManagerOptions) {
    this.store = options.store;
    this.warehouse = options.warehouse;
    this.scheduler = options.scheduler;
    this.clock = options.clock ?? systemClock;
    this.timeZone = options.timeZone;
    this.defaults = { catalog: options.defaults?.catalog ?? DEFAULT_CATALOG, database: options.defaults?.database ?? DEFAULT_DATABASE };
    this.autoSuspendAfter = options.autoSuspendAfterFailures ?? 5;
    this.logName = options.logName ?? 'the event log';
    this.onError = options.onError ?? ((error, context) => console.error(`[freshet refresh] ${context}:`, error));
    this.model = options.readModel ?? memoryRefreshModel();
    const onOperation = (event: Parameters<RefreshViews['applyOperation']>[0], state: OperationState, position: number) => {
      this.views.applyOperation(event, state);
      this.state.appendedOperation(state, event.type === 'RefreshSubmitted', position);
    };
    this.log = new OperationLog(this.store, this.clock, onOperation, (handle) => this.model.operation(handle));
    this.registry = new TableRegistry(this.store, this.clock, (event) => {
      this.views.applyTable(event);
      this.state.touchedTable(event.data.identifier);
    });
    this.state = new RefreshState({ store: this.store, model: this.model, registry: this.registry, log: this.log, views: this.views, logName: this.logName, onError: this.onError });
    this.refresher = new Refresher({
      log: this.log,
      warehouse: this.warehouse,
      clock: this.clock,
      retry: checkRetryPolicy({ ...DEFAULT_RETRY, ...options.retry }),
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
    const overlapDefault = checkPolicy(options.overlapPolicy ?? 'buffer-all', 'overlapPolicy');
    const policyOf = (table: Parameters<RefreshSubmission['policyOf']>[0]) => this.submission.policyOf(table);
    this.queries = new TableQueries({ registry: this.registry, log: this.log, views: this.views, model: this.model, flush: () => this.state.flush(), refresher: this.refresher, warehouse: this.warehouse, scheduler: this.scheduler, defaults: this.defaults, policyOf, clock: this.clock });
    this.submission = new RefreshSubmission({ refresher: this.refresher, registry: this.registry, queries: this.queries, clock: this.clock, overlapDefault });
  }

  /**
   * Restores tables and the refreshes in flight from the read model, reads the log from its checkpoint, and recovers
   * unfinished refreshes (refresh-state.ts). Idempotent.
   */
  start(): Promise<void> {
    this.ready ??= (async () => {
      await this.state.start();
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
    // From here on tables follow their workflows live (workflow-follower.ts); from before the recovery, so no change
    // falls between the two (an event both see aligns nothing twice).
    const head = await this.store.headPosition();
    const settled = await recoverInterruptedCommands({
      registry: this.registry,
      warehouse: this.warehouse,
      scheduler: this.scheduler,
      cancelRefreshes: (id, ctx) => this.refresher.cancelAll(id, `the materialized table ${id} was dropped`, ctx),
    });
    this.following?.unsubscribe();
    this.following = followWorkflowStatus({ store: this.store, registry: this.registry, projection: this.scheduler.projection, onError: this.onError }, head);
    return settled;
  }

  /**
   * Stops retry timers and queued refreshes (the next start() runs them); running refreshes get `graceMs` to finish,
   * then are cut and recorded interrupted at that moment.
   */
  async stop(graceMs = 0): Promise<void> {
    this.following?.unsubscribe();
    this.following = undefined;
    await this.refresher.stop(graceMs);
    // Saved at the stop, so the next start reads only what comes after it.
    if (this.ready) await this.state.close();
  }

  async executeStatement(sql: string, ctx: StatementContext = {}): Promise<StatementResult> {
    await this.start();
    const stmt = parseStatement(sql, this.defaults);
    return dispatchStatement(stmt, sql, this.context(ctx), {
      warehouse: this.warehouse,
      lifecycle: this.lifecycle,
      timeZone: this.timeZone,
      execution: ctx.execution ?? {},
      ...(ctx.session ? { session: ctx.session } : {}),
      refresh: (s) => this.refreshMaterializedTable(s.identifier, false, null, {}, { ...s.partition }, {}, ctx),
    });
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
    const ask: RefreshAsk = { identifier, isPeriodic, scheduleTime, dynamicOptions, staticPartitions, executionConfig, workflowId: null, manual: false };
    const r = await this.submit(ask, this.context(ctx));
    if (r.operationHandle === undefined) throw new Error(`The refresh was not submitted (${r.disposition}).`);
    return r.operationHandle;
  }

  /**
   * A backfill's refresh of one partition (a one-time refresh marked with the backfill), or the one it already
   * submitted before a restart: never a second refresh of the same partition.
   */
  async refreshForBackfill(identifier: string, partition: Record<string, string>, backfill: { id: string; index: number }, ctx: StatementContext = {}): Promise<OperationHandle> {
    await this.start();
    const earlier = this.views.operationOfBackfill(identifier, backfill.id, backfill.index) ?? (await this.model.operationOfBackfill(identifier, backfill.id, backfill.index));
    if (earlier) return earlier.operationHandle;
    const ask: RefreshAsk = { identifier, isPeriodic: false, scheduleTime: null, dynamicOptions: {}, staticPartitions: partition, executionConfig: {}, workflowId: null, manual: false, backfill };
    const r = await this.submit(ask, this.context(ctx));
    if (r.operationHandle === undefined) throw new Error(`The refresh was not submitted (${r.disposition}).`);
    return r.operationHandle;
  }

  async getRefreshStatus(identifier: string | ObjectIdentifier): Promise<RefreshStatus> {
    return this.queries.refreshStatus(await this.requireTable(identifier));
  }

  /** Every refresh of the table, oldest first (a table with a long history: page it with getRefreshOperations). */
  async getRefreshHistory(identifier: string | ObjectIdentifier): Promise<RefreshHistoryEntry[]> {
    return this.queries.refreshHistory(await this.requireTable(identifier));
  }

  /** One page of the table's refreshes, newest first, from the read model's index; `before` is a page's `next`. */
  async getRefreshOperations(identifier: string | ObjectIdentifier, page: { before?: number; limit: number }) {
    return this.queries.refreshOperations(await this.requireTable(identifier), page);
  }

  /** Per partition (backfill/plan.ts partitionKey), the status of the newest refresh of it: what a backfill covers. */
  async lastRefreshByPartition(identifier: string | ObjectIdentifier) {
    return this.queries.lastByPartition(await this.requireTable(identifier));
  }

  /** Interrupts the running DuckDB statement (rolled back: the old rows stay) or drops the waiting refresh. */
  async cancelRefresh(identifier: string | ObjectIdentifier, operationHandle: OperationHandle, ctx: StatementContext = {}): Promise<OperationSummary> {
    const table = await this.requireTable(identifier);
    const op = await this.queries.requireOperation(operationHandle);
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
    const op = await this.queries.requireOperation(operationHandle);
    const c = this.context(ctx);
    if (op.status === 'RUNNING' || op.status === 'PENDING' || op.status === 'INITIALIZED') await this.refresher.cancel(operationHandle, `closed by ${c.actor}`, c);
    const closed = await this.log.record(operationHandle, () => [{ type: 'RefreshClosed', data: { operationHandle, table: op.table, closedAt: this.clock.now() } }], c);
    return summarize(closed);
  }

  async getOperation(operationHandle: OperationHandle): Promise<OperationSummary & { table: string }> {
    await this.start();
    const op = await this.queries.requireOperation(operationHandle);
    return { table: op.table, ...summarize(op) };
  }

  /** Resolves when the operation ends (FINISHED, CANCELED, ERROR, TIMEOUT or CLOSED). */
  async waitForOperation(operationHandle: OperationHandle): Promise<OperationSummary> {
    await this.start();
    const op = await this.queries.requireOperation(operationHandle);
    // An ended operation may be in the read model only: the refresher holds the ones in flight.
    return summarize(isTerminalStatus(op.status) ? op : await this.refresher.whenSettled(operationHandle));
  }

  /** Resolves once no refresh runs or waits. */
  async whenIdle(): Promise<void> {
    await this.refresher.whenIdle();
  }

  async listTables(): Promise<TableInfo[]> {
    await this.start();
    return this.queries.list();
  }

  /**
   * freshet's pause of a table (Flink has none): suspended now with its reason; its workflow resumes itself at
   * `until` (epoch ms), and the table follows its workflow (workflow-follower.ts), both recorded with freshet as actor.
   */
  async pauseTable(identifier: string | ObjectIdentifier, until: number, ctx: StatementContext = {}): Promise<TableInfo> {
    const table = await this.requireTable(identifier);
    const now = this.clock.now();
    if (!(until > now)) throw new FlinkValidationError(`A pause must end in the future: until ${new Date(until).toISOString()} is not after now (${new Date(now).toISOString()}).`);
    await this.lifecycle.suspend(table.definition.identifier, this.context(ctx), false, until);
    return this.getTable(table.definition.identifier);
  }

  async getTable(identifier: string | ObjectIdentifier): Promise<TableInfo> {
    return this.queries.info(await this.requireTable(identifier));
  }

  /** The engine's port: each fire is a periodic refresh at its nominal time; the disposition goes to the ledger. */
  asRefreshTrigger(): RefreshTrigger {
    return {
      fire: async (request) => {
        const ask: RefreshAsk = {
          identifier: request.tableIdentifier,
          isPeriodic: true,
          scheduleTime: request.scheduleTimeText,
          dynamicOptions: request.dynamicOptions,
          staticPartitions: {},
          // Flink's job opens the refresh session with initConfig, then the refresh applies executionConfig over it.
          executionConfig: { ...request.initConfig, ...request.executionConfig },
          workflowId: request.workflowId,
          nominalTime: request.scheduleTime,
          manual: request.manual,
        };
        const r = await this.submit(ask, this.context({ actor: 'freshet-engine', correlationId: `${request.workflowId}@${request.scheduleTime}` }));
        return {
          disposition: r.disposition,
          ...(r.operationHandle !== undefined ? { operationHandle: r.operationHandle } : {}),
          ...(r.yieldedTo !== undefined ? { yieldedTo: r.yieldedTo } : {}),
        };
      },
      outcomes: async (handles) => {
        await this.start();
        const known = new Map<string, RefreshOutcome>();
        for (const h of handles) {
          const op = this.views.operation(h) ?? (await this.model.operation(h));
          if (op) known.set(h, refreshOutcomeOf(op));
        }
        return known;
      },
      recall: async (workflowId, nominalTime) => {
        await this.start();
        const op = this.views.operationOfFire(workflowId, nominalTime) ?? (await this.model.operationOfFire(workflowId, nominalTime));
        return op ? { operationHandle: op.operationHandle, disposition: op.disposition, firedAt: op.submittedAt } : null;
      },
    };
  }

  private async submit(ask: RefreshAsk, ctx: CommandContext) {
    await this.start();
    return this.submission.submit(ask, ctx);
  }

  /** A scheduled refresh that failed for good: after too many in a row the table suspends itself. */
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

  private async requireTable(identifier: string | ObjectIdentifier) {
    await this.start();
    return this.queries.requireTable(identifier);
  }

  private context(ctx: StatementContext): CommandContext {
    return { actor: ctx.actor ?? 'anonymous', correlationId: ctx.correlationId ?? randomUUID(), ...(ctx.reason ? { reason: ctx.reason } : {}) };
  }
}
