export * from './refresh-handler.ts';
export * from './requests.ts';
export * from './factory.ts';
export { EmbeddedWorkflowScheduler, type EmbeddedWorkflowSchedulerOptions, DEFAULT_GROUP, JOB_NAME_PREFIX, DEFAULT_CATCH_UP_WINDOW_MS } from './embedded-scheduler.ts';
export { EmbeddedWorkflowSchedulerFactory } from './embedded-factory.ts';
export { createWorkflowScheduler, discoverFactory, defaultWorkflowSchedulerFactories } from './discovery.ts';
export { WorkflowError as WorkflowException } from '../workflows/index.ts';
export { WorkflowQueries, type WorkflowListQuery } from './workflow-queries.ts';
