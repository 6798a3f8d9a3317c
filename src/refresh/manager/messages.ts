/** Flink's messages for materialized-table operations, word for word (`%s` = the serializable identifier). */
export const msg = {
  notMaterialized: (id: string) => `Table ${id} is not a materialized table, does not support materialized table related operation.`,
  notFound: (id: string, catalogs: string) => `Cannot find table '${id}' in any of the catalogs [${catalogs}], nor as a temporary table.`,
  doesNotExist: (id: string) => `Materialized table with identifier ${id} does not exist.`,
  alreadyExists: (summary: string, catalog: string) => `Table (or view) ${summary} already exists in Catalog ${catalog}.`,
  createWorkflowFailed: (id: string) => `Failed to create refresh workflow for materialized table ${id}.`,
  initializing: (id: string, op: 'suspend' | 'resume' | 'alter') => `Materialized table ${id} is being initialized and does not support ${op} operation.`,
  alreadySuspended: (id: string) => `Materialized table ${id} refresh workflow has been suspended.`,
  alreadyResumed: (id: string) => `Materialized table ${id} refresh workflow has been resumed.`,
  suspendFailed: (id: string) => `Failed to suspend the refresh workflow for materialized table ${id}.`,
  resumeFailed: (id: string) => `Failed to resume the refresh workflow for materialized table ${id}.`,
  dropInitializing: (id: string) => `Current refresh status of materialized table ${id} is initializing, skip the drop operation.`,
  deleteWorkflowFailed: (id: string) => `Failed to delete the refresh workflow for materialized table ${id}.`,
  // CatalogManager.dropTableInternal: DROP TABLE only drops a CatalogTable, so to it a materialized table does not exist.
  dropTableIsMaterialized: (summary: string) =>
    `Table with identifier '${summary}' does not exist. It is a materialized table: drop it with DROP MATERIALIZED TABLE, which also deletes its refresh workflow.`,
  // EmbeddedWorkflowScheduler's own wrapping, the middle of Flink's cause chain.
  workflowSuspendFailed: (handler: string) => `Failed to suspend refresh workflow ${handler}.`,
  workflowResumeFailed: (handler: string) => `Failed to resume refresh workflow ${handler}.`,
  workflowDeleteFailed: (handler: string) => `Failed to delete refresh workflow ${handler}.`,
  workflowCreateFailed: (id: string) => `Failed to create periodic refresh workflow for materialized table ${id}.`,
  workflowFreshnessFailed: (handler: string) => `Failed to modify refresh workflow freshness for ${handler}.`,
  alterFreshnessFailed: (id: string) => `Failed to modify the refresh freshness of materialized table ${id}.`,
  // MaterializedTableUtils.validateAndExtractNewColumns (Flink 2.1+).
  alterDropsColumns: (had: number, has: number) =>
    `Failed to modify query because drop column is unsupported. When modifying a query, you can only append new columns at the end of original schema. The original schema has ${had} columns, but the newly derived schema from the query has ${has} columns.`,
  alterColumnMismatch: (i: number, old: string, now: string) =>
    `When modifying the query of a materialized table, currently only support appending columns at the end of original schema, dropping, renaming, and reordering columns are not supported.\nColumn mismatch at position ${i}: Original column is [${old}], but new column is [${now}].`,
  nonStringPartitionValue: (key: string) =>
    `The value of partition key '${key}' in the partition spec must be a string; write it as a string, e.g. '${key}' = '...'.`,
};

/** Flink's exception with its cause's message appended, as the gateway prints a chain. */
export function withCause(message: string, cause: unknown): string {
  return `${message}\nCaused by: ${cause instanceof Error ? cause.message : String(cause)}`;
}
