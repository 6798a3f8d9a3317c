import type { Clock } from '../clock/index.ts';
import type { EventStore } from '../events/index.ts';
import type { RefreshTrigger } from '../engine/index.ts';
import type { RefreshHandler } from './refresh-handler.ts';
import type { WorkflowScheduler } from './requests.ts';

export const WORKFLOW_SCHEDULER_TYPE = 'workflow-scheduler.type';

export interface ConfigOption {
  key: string;
  description: string;
  defaultValue?: string;
}

/** Flink's WorkflowSchedulerFactory.Context, plus the parts a TypeScript host hands over instead of a class loader. */
export interface WorkflowSchedulerFactoryContext {
  getConfiguration(): Readonly<Record<string, string>>;
  /** `workflow-scheduler.<identifier>.*` options with that prefix stripped. */
  getWorkflowSchedulerOptions(): Readonly<Record<string, string>>;
  /** What a fire runs (the materialized-table manager). */
  refreshTrigger?: RefreshTrigger;
  /** A store the host already opened (otherwise the factory opens one from the options). */
  store?: EventStore;
  clock?: Clock;
}

export interface WorkflowSchedulerFactory {
  factoryIdentifier(): string;
  requiredOptions(): ConfigOption[];
  optionalOptions(): ConfigOption[];
  createWorkflowScheduler(context: WorkflowSchedulerFactoryContext): Promise<WorkflowScheduler<RefreshHandler>>;
}

/** Flink's ValidationException: the configuration names a scheduler that cannot be built as configured. */
export class ValidationException extends Error {
  override name = 'ValidationException';
}
