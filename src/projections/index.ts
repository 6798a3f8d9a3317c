export * from './workflow-info.ts';
export * from './history.ts';
export * from './ledger.ts';
export * from './persistence.ts';
export { sqliteProjectionPersistence } from './sqlite-persistence.ts';
export { WorkflowProjection, applyWorkflowEvent } from './workflow-projection.ts';
export { rebuildWorkflows, diffProjections, type ProjectionDifference } from './rebuild.ts';
export { postgresProjectionPersistence, type PostgresProjectionOptions } from './postgres-persistence.ts';
export { openProjectionPersistence, projectionsFile } from './open-persistence.ts';
