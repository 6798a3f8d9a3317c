import type { MisfirePolicy, StringMap } from '../workflows/index.ts';
import type { RefreshHandler } from './refresh-handler.ts';

/** Who asks and why: recorded on every event the request appends. */
export interface RequestContext {
  actor?: string;
  reason?: string;
  correlationId?: string;
}

/** Flink's CreatePeriodicRefreshWorkflow, plus freshet's schedule options (all optional). */
export class CreatePeriodicRefreshWorkflow {
  readonly kind = 'create-periodic';
  constructor(
    readonly materializedTableIdentifier: string,
    readonly descriptionStatement: string,
    readonly cronExpression: string,
    readonly initConfig: StringMap = {},
    readonly executionConfig: StringMap = {},
    readonly restEndpointUrl: string = '',
    readonly options: { timeZone?: string; misfirePolicy?: MisfirePolicy; catchUpWindowMs?: number; dynamicOptions?: StringMap } & RequestContext = {},
  ) {}
}

export type CreateRefreshWorkflow = CreatePeriodicRefreshWorkflow;

export class SuspendRefreshWorkflow<T extends RefreshHandler> {
  readonly kind = 'suspend';
  constructor(
    readonly refreshHandler: T,
    readonly context: RequestContext = {},
    /** freshet's pause (Flink has none): the workflow resumes itself at this instant (epoch ms). */
    readonly until?: number,
  ) {}
}

export class ResumeRefreshWorkflow<T extends RefreshHandler> {
  readonly kind = 'resume';
  constructor(
    readonly refreshHandler: T,
    readonly dynamicOptions: StringMap | null = null,
    readonly context: RequestContext = {},
  ) {}
}

/** Flink's unmerged FLINK-35202 request; freshet also changes the zone and misfire policy through it. */
export class ModifyRefreshWorkflowCronExpression<T extends RefreshHandler> {
  readonly kind = 'modify-cron';
  constructor(
    readonly refreshHandler: T,
    readonly cronExpression: string,
    readonly options: { timeZone?: string; misfirePolicy?: MisfirePolicy; catchUpWindowMs?: number } & RequestContext = {},
  ) {}
}

export type ModifyRefreshWorkflow<T extends RefreshHandler> =
  | SuspendRefreshWorkflow<T>
  | ResumeRefreshWorkflow<T>
  | ModifyRefreshWorkflowCronExpression<T>;

export class DeleteRefreshWorkflow<T extends RefreshHandler> {
  readonly kind = 'delete';
  constructor(
    readonly refreshHandler: T,
    readonly context: RequestContext = {},
  ) {}
}

/** Flink's WorkflowScheduler SPI. */
export interface WorkflowScheduler<T extends RefreshHandler> {
  open(): Promise<void>;
  close(): Promise<void>;
  getRefreshHandlerSerializer(): import('./refresh-handler.ts').RefreshHandlerSerializer<T>;
  createRefreshWorkflow(request: CreateRefreshWorkflow): Promise<T>;
  modifyRefreshWorkflow(request: ModifyRefreshWorkflow<T>): Promise<void>;
  deleteRefreshWorkflow(request: DeleteRefreshWorkflow<T>): Promise<void>;
}
