/**
 * One readable line per thing that happened, from the raw log. A fire is six events (claimed, fired, submitted,
 * started, finished, closed); a person wants one line for it, with the table, partition, rows, duration and outcome.
 * So the describer keeps what earlier events said (a workflow's table, an operation's partition and start) and
 * returns undefined for the events whose news a later line carries.
 */
export interface LogEventView {
  position: number;
  streamName: string;
  type: string;
  recordedAt: string;
  data: unknown;
  metadata?: { actor?: string; reason?: string };
}

type D = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
/** `freshet`.`default`.`t` → freshet.default.t: backticks are for SQL, not for reading. */
const tableName = (id: unknown): string => str(id).replaceAll('`', '');
const partitionText = (p: unknown): string => {
  const entries = Object.entries((p ?? {}) as Record<string, string>);
  return entries.length === 0 ? '' : ` ${entries.map(([k, v]) => `${k}=${v}`).join(',')}`;
};

/** Workflow lifecycle and table events: what the server logs at info, as well as what `events tail` prints. */
export const STATE_CHANGE_TYPES: readonly string[] = [
  'WorkflowCreated', 'WorkflowSuspended', 'WorkflowResumed', 'WorkflowScheduleModified', 'WorkflowDeleted',
  'MaterializedTableActivated', 'MaterializedTableCreationFailed', 'MaterializedTableSuspended', 'MaterializedTableResumed', 'MaterializedTableDropped', 'MaterializedTableAltered',
  'RefreshFailed', 'RefreshTimedOut',
];

export function createDescriber(): (e: LogEventView) => string | undefined {
  const tableOfWorkflow = new Map<string, string>();
  const operations = new Map<string, { table: string; partition: string; startedAt?: number }>();
  return (e) => {
    const d = (e.data ?? {}) as D;
    const by = e.metadata?.actor ? ` by ${e.metadata.actor}` : '';
    const why = e.metadata?.reason ? ` (${e.metadata.reason})` : '';
    const workflowId = e.streamName.startsWith('workflow-') ? e.streamName.slice('workflow-'.length) : '';
    const workflow = tableOfWorkflow.get(workflowId) ?? `workflow ${workflowId}`;
    const op = operations.get(str(d.operationHandle));
    const target = op ? `${op.table}${op.partition}` : tableName(d.table);
    const took = (end: unknown, word = 'in') => (op?.startedAt !== undefined && typeof end === 'number' ? ` ${word} ${end - op.startedAt} ms` : '');
    switch (e.type) {
      case 'WorkflowCreated':
        tableOfWorkflow.set(workflowId, tableName(d.tableIdentifier));
        return `${tableName(d.tableIdentifier)}: workflow created${by}${why}, cron ${str(d.cronExpression)} in ${str(d.timeZone)}`;
      case 'WorkflowSuspended': return `${workflow}: workflow suspended${by}${why}`;
      case 'WorkflowResumed': return `${workflow}: workflow resumed${by}${why}`;
      case 'WorkflowDeleted': return `${workflow}: workflow deleted${by}${why}`;
      case 'WorkflowScheduleModified': return `${workflow}: schedule changed${by}${why} to ${str(d.cronExpression)} in ${str(d.timeZone)}, misfire ${str(d.misfirePolicy)}`;
      case 'OccurrencesSkipped': return `${workflow}: fires skipped (${str(d.reason)})`;
      case 'OccurrenceFired': return d.error ? `${workflow}: fire could not start a refresh: ${str(d.error)}` : undefined;
      case 'FireClaimed': return undefined;
      case 'RefreshSubmitted':
        operations.set(str(d.operationHandle), { table: tableName(d.table), partition: partitionText(d.partitions) });
        return d.disposition === 'skipped-overlap' ? `${tableName(d.table)}${partitionText(d.partitions)}: refresh skipped, another is running (overlap policy)` : undefined;
      case 'RefreshAttemptStarted':
        if (op && typeof d.startedAt === 'number') op.startedAt = d.startedAt;
        return undefined;
      case 'RefreshAttemptFailed': return `${target}: refresh attempt ${str(d.attempt)} failed${took(d.failedAt, 'after')}: ${str(d.error)}; retrying at ${new Date(Number(d.retryAt)).toISOString()}`;
      case 'RefreshFinished': return `${target}: refreshed, ${str(d.rowsWritten)} rows${Number(d.rowsDeleted) > 0 ? ` (${str(d.rowsDeleted)} deleted)` : ''}${took(d.finishedAt)}, ok`;
      case 'RefreshFailed': return `${target}: refresh failed${took(d.failedAt, 'after')}: ${str(d.error)}`;
      case 'RefreshTimedOut': return `${target}: refresh timed out${took(d.failedAt, 'after')}: ${str(d.error)}`;
      case 'RefreshCanceled': return `${target}: refresh cancelled: ${str(d.reason)}`;
      case 'RefreshClosed': operations.delete(str(d.operationHandle)); return undefined;
      case 'MaterializedTableCreating': return undefined;
      case 'MaterializedTableActivated': return `${tableName(d.identifier)}: table activated${by}`;
      case 'MaterializedTableCreationFailed': return `${tableName(d.identifier)}: table creation failed: ${str(d.error)}`;
      case 'MaterializedTableSuspended':
        return `${tableName(d.identifier)}: table suspended ${d.automatic === true ? 'automatically' : `by ${str(d.by)}`}${d.reason ? ` (${str(d.reason)})` : ''}`;
      case 'MaterializedTableResumed': return `${tableName(d.identifier)}: table resumed by ${str(d.by)}`;
      case 'MaterializedTableDropped': return `${tableName(d.identifier)}: table dropped by ${str(d.by)}`;
      case 'MaterializedTableAltered': return `${tableName(d.identifier)}: ${str(d.change)} altered by ${str(d.by)}`;
      default: return `${e.type} on ${e.streamName}${by}${why}`;
    }
  };
}
