import { type Clock, hostTimeZone } from '../clock/index.ts';
import type { EventStore } from '../events/index.ts';
import {
  jobKey,
  type MisfirePolicy,
  type WorkflowCommand,
  type WorkflowDefinition,
  WorkflowError,
  workflowIdOf,
  workflowStreamName,
} from '../workflows/index.ts';
import { memoryProjectionPersistence, type ProjectionPersistence, WorkflowProjection } from '../projections/index.ts';
import { CronExpressionError, CronTimeZoneError } from '../cron/index.ts';
import { type EngineOptions, type RefreshTrigger, WorkflowEngine } from '../engine/index.ts';
import {
  EmbeddedRefreshHandler,
  embeddedRefreshHandlerSerializer,
  type RefreshHandlerSerializer,
} from './refresh-handler.ts';
import type { CreateRefreshWorkflow, DeleteRefreshWorkflow, ModifyRefreshWorkflow, RequestContext, WorkflowScheduler } from './requests.ts';
import { WorkflowQueries } from './workflow-queries.ts';

export const DEFAULT_GROUP = 'default_group';
export const JOB_NAME_PREFIX = 'quartz_job_';
export const DEFAULT_CATCH_UP_WINDOW_MS = 24 * 3_600_000;

export interface EmbeddedWorkflowSchedulerOptions {
  store: EventStore;
  trigger?: RefreshTrigger;
  clock?: Clock;
  projection?: ProjectionPersistence;
  /**
   * The log with its archives (src/archive withArchives), which the read model folds: rebuilt after history was
   * archived, it comes out as it was. Defaults to `store`.
   */
  history?: EventStore;
  defaults?: { timeZone?: string; misfirePolicy?: MisfirePolicy; catchUpWindowMs?: number };
  engine?: Pick<EngineOptions, 'claimLeadMs' | 'misfireThresholdMs' | 'onError' | 'engineId'>;
  /** Close the store on close() (when the scheduler opened it). */
  ownsStore?: boolean;
}

/**
 * freshet's embedded scheduler: Flink's SPI over the event-sourced engine, in process. Unlike Flink's (Quartz in
 * RAM), its workflows, their history and their fire ledger survive restarts.
 */
export class EmbeddedWorkflowScheduler implements WorkflowScheduler<EmbeddedRefreshHandler> {
  readonly engine: WorkflowEngine;
  readonly projection: WorkflowProjection;
  readonly store: EventStore;
  /** freshet's read side: WorkflowInfo, history, as-of, occurrence ledger. */
  readonly queries: WorkflowQueries;
  private opened = false;

  constructor(private readonly options: EmbeddedWorkflowSchedulerOptions) {
    this.store = options.store;
    this.projection = new WorkflowProjection(options.history ?? options.store, options.projection ?? memoryProjectionPersistence());
    // The engine starts from the read model (opened first, at its checkpoint and caught up), not from the log's start.
    this.engine = new WorkflowEngine({ ...options.engine, store: options.store, trigger: options.trigger, clock: options.clock, snapshot: async () => this.projection.snapshotAt() });
    this.queries = new WorkflowQueries(options.store, this.projection, options.trigger);
  }

  /** The last log position the read side has applied: reads reflect every event up to it. */
  get readPosition(): number {
    return this.projection.position;
  }

  /**
   * Opens the read side, then (unless `engine: false`) the engine. A server opens the engine itself once it
   * listens (startEngine), so health checks and reads answer while thousands of workflows load and catch up.
   */
  async open(options: { engine?: boolean } = {}): Promise<void> {
    if (this.opened) return;
    this.opened = true;
    await this.projection.start();
    if (options.engine !== false) await this.engine.start();
  }

  /** Starts the engine of a scheduler opened with `engine: false` (idempotent). */
  startEngine(): Promise<void> {
    return this.engine.start();
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    await this.engine.stop();
    await this.projection.stop();
    if (this.options.ownsStore) await this.store.close();
  }

  getRefreshHandlerSerializer(): RefreshHandlerSerializer<EmbeddedRefreshHandler> {
    return embeddedRefreshHandlerSerializer;
  }

  async createRefreshWorkflow(request: CreateRefreshWorkflow): Promise<EmbeddedRefreshHandler> {
    if (request.kind !== 'create-periodic') throw new WorkflowError('INVALID_WORKFLOW_ARGUMENT', `Unsupported create refresh workflow type ${String(request.kind)}.`);
    const identifier = request.materializedTableIdentifier;
    requireText(identifier, 'materializedTableIdentifier');
    requireText(request.cronExpression, 'cronExpression');
    const o = request.options;
    const name = `${JOB_NAME_PREFIX}${identifier}`;
    const workflowId = workflowIdOf(DEFAULT_GROUP, name);
    const def: WorkflowDefinition = {
      workflowId,
      workflowName: name,
      workflowGroup: DEFAULT_GROUP,
      tableIdentifier: identifier,
      cronExpression: request.cronExpression.trim(),
      timeZone: o.timeZone ?? this.options.defaults?.timeZone ?? hostTimeZone(),
      misfirePolicy: o.misfirePolicy ?? this.options.defaults?.misfirePolicy ?? 'fire-all',
      catchUpWindowMs: o.catchUpWindowMs ?? this.options.defaults?.catchUpWindowMs ?? DEFAULT_CATCH_UP_WINDOW_MS,
      initConfig: request.initConfig ?? {},
      executionConfig: request.executionConfig ?? {},
      dynamicOptions: o.dynamicOptions ?? {},
      ...(request.restEndpointUrl ? { restEndpointUrl: request.restEndpointUrl } : {}),
      ...(request.descriptionStatement ? { descriptionStatement: request.descriptionStatement } : {}),
    };
    await this.command(workflowId, jobKey(DEFAULT_GROUP, name), (now) => ({ type: 'CreateWorkflow', now, def }), o, def.cronExpression);
    return new EmbeddedRefreshHandler(name, DEFAULT_GROUP);
  }

  async modifyRefreshWorkflow(request: ModifyRefreshWorkflow<EmbeddedRefreshHandler>): Promise<void> {
    const h = request.refreshHandler;
    const id = workflowIdOf(h.workflowGroup, h.workflowName);
    const key = jobKey(h.workflowGroup, h.workflowName);
    switch (request.kind) {
      case 'suspend': {
        const { until } = request;
        await this.command(id, key, (now, engineId) => ({ type: 'SuspendWorkflow', now, engineId, ...(until !== undefined ? { until } : {}) }), request.context);
        return;
      }
      case 'resume': {
        const dynamicOptions = request.dynamicOptions ?? undefined;
        const threshold = this.engine.misfireThresholdMs;
        await this.command(id, key, (now, engineId) => ({ type: 'ResumeWorkflow', now, engineId, misfireThresholdMs: threshold, ...(dynamicOptions ? { dynamicOptions } : {}) }), request.context);
        return;
      }
      case 'modify-cron': {
        const { timeZone, misfirePolicy, catchUpWindowMs } = request.options;
        requireText(request.cronExpression, 'cronExpression');
        const cronExpression = request.cronExpression.trim();
        // Flink's cron is Quartz: said here, so a unix workflow changed through Flink's API is not misread.
        await this.command(id, key, (now, engineId) => ({ type: 'ModifySchedule', now, engineId, cronExpression, cronDialect: 'quartz', timeZone, misfirePolicy, catchUpWindowMs }), request.options, cronExpression);
        return;
      }
    }
  }

  async deleteRefreshWorkflow(request: DeleteRefreshWorkflow<EmbeddedRefreshHandler>): Promise<void> {
    const h = request.refreshHandler;
    await this.command(workflowIdOf(h.workflowGroup, h.workflowName), jobKey(h.workflowGroup, h.workflowName), (now, engineId) => ({ type: 'DeleteWorkflow', now, engineId }), request.context);
  }

  /** Runs a command, waits until the read model shows it (read-your-writes), and explains cron mistakes. */
  async command(id: string, key: string, build: (now: number, engineId: string) => WorkflowCommand, ctx: RequestContext, cron?: string): Promise<void> {
    try {
      const meta = { actor: ctx.actor ?? 'anonymous', ...(ctx.reason ? { reason: ctx.reason } : {}), ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}) };
      const handled = await this.engine.execute(id, key, build, meta);
      if (handled.position > 0) await this.projection.waitFor(handled.position);
    } catch (error) {
      if (error instanceof CronTimeZoneError) throw new WorkflowError('INVALID_WORKFLOW_ARGUMENT', error.message);
      if (error instanceof CronExpressionError) throw new WorkflowError('INVALID_WORKFLOW_ARGUMENT', `CronExpression '${cron ?? ''}' is invalid. ${error.message}`);
      throw error;
    }
  }

  // freshet's own commands, by workflow id (the REST API's /v1/workflows/:id).

  /** `until`: a pause that ends by itself at that instant (epoch ms). */
  async suspendWorkflow(id: string, ctx: RequestContext = {}, until?: number): Promise<void> {
    await this.command(id, this.keyOf(id), (now, engineId) => ({ type: 'SuspendWorkflow', now, engineId, ...(until !== undefined ? { until } : {}) }), ctx);
  }

  async resumeWorkflow(id: string, dynamicOptions: Record<string, string> | undefined, ctx: RequestContext = {}): Promise<void> {
    const threshold = this.engine.misfireThresholdMs;
    await this.command(id, this.keyOf(id), (now, engineId) => ({ type: 'ResumeWorkflow', now, engineId, misfireThresholdMs: threshold, ...(dynamicOptions ? { dynamicOptions } : {}) }), ctx);
  }

  async modifyWorkflow(
    id: string,
    change: { cronExpression?: string; cronDialect?: 'quartz' | 'unix'; timeZone?: string; startAt?: number | null; endAt?: number | null; misfirePolicy?: MisfirePolicy; catchUpWindowMs?: number },
    ctx: RequestContext = {},
  ): Promise<void> {
    const cronExpression = change.cronExpression?.trim();
    const { cronDialect, timeZone, startAt, endAt, misfirePolicy, catchUpWindowMs } = change;
    await this.command(id, this.keyOf(id), (now, engineId) => ({ type: 'ModifySchedule', now, engineId, cronExpression, cronDialect, timeZone, startAt, endAt, misfirePolicy, catchUpWindowMs }), ctx, cronExpression);
  }

  /** Fires once now, outside the schedule (recorded as a manual occurrence). */
  async triggerWorkflow(id: string, ctx: RequestContext = {}): Promise<void> {
    await this.command(id, this.keyOf(id), (now, engineId) => ({ type: 'TriggerWorkflow', now, engineId }), ctx);
  }

  async deleteWorkflow(id: string, ctx: RequestContext = {}): Promise<void> {
    await this.command(id, this.keyOf(id), (now, engineId) => ({ type: 'DeleteWorkflow', now, engineId }), ctx);
  }

  private keyOf(id: string): string {
    const info = this.projection.get(id);
    return info ? jobKey(info.workflowGroup, info.workflowName) : id;
  }

  streamOf(handler: EmbeddedRefreshHandler): string {
    return workflowStreamName(workflowIdOf(handler.workflowGroup, handler.workflowName));
  }
}

function requireText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new WorkflowError('INVALID_WORKFLOW_ARGUMENT', `${field} must be a non-empty string.`);
  }
}
