import { freshnessToString, isFreshnessUnit, type TableInfo } from '../refresh/index.ts';

/** One line of the overview: what an operator scans for, flattened so the page renders it without lookups. */
export interface OverviewRow {
  identifier: string;
  workflowId: string | null;
  status: string;
  /** Why it is suspended (or why it is failing), as recorded. */
  reason: string | null;
  suspendedBy: string | null;
  cronExpression: string | null;
  timeZone: string;
  freshness: string;
  freshnessMs: number;
  stalenessMs: number | null;
  behind: boolean;
  nextFire: string | null;
  lastFire: string | null;
  lastOutcome: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  refreshing: boolean;
}

export const OVERVIEW_STATUSES = ['all', 'active', 'suspended', 'behind', 'failing'] as const;
export type OverviewStatus = (typeof OVERVIEW_STATUSES)[number];

export interface OverviewQuery {
  q?: string;
  status?: OverviewStatus;
  offset: number;
  limit: number;
}

export function overviewRow(t: TableInfo): OverviewRow {
  const lag = t.lag; // the table model's: the data's age against twice its freshness
  const last = t.refresh.lastOperation;
  const { interval, unit } = t.definition.freshness;
  return {
    identifier: t.definition.identifier,
    workflowId: t.workflow?.workflowId ?? null,
    status: t.status,
    reason: t.suspendReason ?? t.workflow?.suspendReason ?? null,
    suspendedBy: t.suspendedBy ?? t.workflow?.suspendedBy ?? null,
    cronExpression: t.workflow?.cronExpression ?? t.definition.cronExpression ?? null,
    timeZone: t.workflow?.timeZone ?? t.definition.timeZone,
    freshness: isFreshnessUnit(unit) ? freshnessToString({ interval, unit }) : `${interval} ${unit}`,
    freshnessMs: lag.freshnessMs,
    stalenessMs: lag.stalenessMs,
    behind: lag.behind && t.status !== 'SUSPENDED',
    nextFire: t.status === 'SUSPENDED' ? null : (t.workflow?.nextExecutionTime ?? null),
    lastFire: t.workflow?.lastExecutionTime ?? null,
    lastOutcome: last?.status ?? null,
    lastError: t.refresh.errorMessage,
    consecutiveFailures: t.refresh.consecutiveFailures,
    refreshing: t.refresh.running.length > 0,
  };
}

const matches = (row: OverviewRow, q: OverviewQuery): boolean => {
  const text = q.q?.trim().toLowerCase();
  if (text && !row.identifier.toLowerCase().replaceAll('`', '').includes(text.replaceAll('`', ''))) return false;
  switch (q.status ?? 'all') {
    case 'all':
      return true;
    case 'active':
      return row.status === 'ACTIVATED';
    case 'suspended':
      return row.status === 'SUSPENDED';
    case 'behind':
      return row.behind;
    case 'failing':
      return row.consecutiveFailures > 0;
  }
};

/** A page of the overview over every table (the manager lists them sorted by identifier), with the total matched. */
export function overviewPage(tables: readonly TableInfo[], q: OverviewQuery): { rows: OverviewRow[]; total: number } {
  const rows = tables.map((t) => overviewRow(t)).filter((r) => matches(r, q));
  return { rows: rows.slice(q.offset, q.offset + q.limit), total: rows.length };
}
