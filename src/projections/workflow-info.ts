import { scheduleOfSpec, type StringMap, type WorkflowState } from '../workflows/index.ts';

/** The seed's WorkflowInfo (Flink field names) plus what freshet adds: cron, zone, table, who suspended it and why. */
export interface WorkflowInfo {
  workflowId: string;
  workflowName: string;
  workflowGroup: string;
  materializedTableIdentifier: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'DELETED';
  cronExpression: string;
  /** quartz (Flink's) or unix (5 fields). */
  cronDialect: 'quartz' | 'unix';
  /** The schedule's bounds: fire times in [startAt, endAt) only; null when unbounded. */
  startAt: string | null;
  endAt: string | null;
  timeZone: string;
  misfirePolicy: string;
  catchUpWindowMs: number;
  nextExecutionTime: string | null;
  lastExecutionTime: string | null;
  creationTime: string;
  lastModifiedTime: string;
  lastModifiedBy: string | null;
  suspendedAt: string | null;
  suspendedBy: string | null;
  suspendReason: string | null;
  /** A pause's end: freshet resumes the workflow at this instant. */
  suspendedUntil: string | null;
  dynamicOptions: StringMap;
  executionConfig: StringMap;
  initConfig: StringMap;
  /** Stream version the view was built from (for optimistic concurrency from clients). */
  version: number;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
const STATUS = { active: 'ACTIVE', suspended: 'SUSPENDED', deleted: 'DELETED' } as const;
export const statusOf = (state: WorkflowState): WorkflowInfo['status'] => STATUS[state.status];

/** The next nominal fire time: a claim waiting for its time, or the schedule's next time after the cursor. */
export function nextExecution(state: WorkflowState): number | null {
  if (state.status !== 'active') return null;
  const claimed = state.pending.filter((p) => !p.manual).map((p) => p.t);
  if (claimed.length > 0) return Math.min(...claimed);
  return scheduleOfSpec(state.def).nextAfter(state.cursor);
}

export function toWorkflowInfo(state: WorkflowState, version: number): WorkflowInfo {
  const d = state.def;
  const next = nextExecution(state);
  return {
    workflowId: d.workflowId,
    workflowName: d.workflowName,
    workflowGroup: d.workflowGroup,
    materializedTableIdentifier: d.tableIdentifier,
    status: STATUS[state.status],
    cronExpression: d.cronExpression,
    cronDialect: d.cronDialect ?? 'quartz',
    startAt: iso(d.startAt),
    endAt: iso(d.endAt),
    timeZone: d.timeZone,
    misfirePolicy: d.misfirePolicy,
    catchUpWindowMs: d.catchUpWindowMs,
    nextExecutionTime: next === null ? null : new Date(next).toISOString(),
    lastExecutionTime: iso(state.lastFiredAt),
    creationTime: new Date(state.createdAt).toISOString(),
    lastModifiedTime: new Date(state.modifiedAt).toISOString(),
    lastModifiedBy: state.modifiedBy ?? null,
    suspendedAt: iso(state.suspendedAt),
    suspendedBy: state.suspendedBy ?? null,
    suspendReason: state.suspendReason ?? null,
    suspendedUntil: iso(state.resumeAt),
    dynamicOptions: d.dynamicOptions,
    executionConfig: d.executionConfig,
    initConfig: d.initConfig,
    version,
  };
}
