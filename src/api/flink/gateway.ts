import type { MaterializedTableManager, OperationSummary } from '../../refresh/index.ts';
import { QueryCancelledError } from '../../refresh/index.ts';
import { VARCHAR } from './logical-types.ts';
import { type FlinkResult, OK, toFlinkResult } from './results.ts';
import { parseSessionStatement } from './session-statements.ts';
import { OperationNotFoundError, type SessionRegistry, type StatementOperation, type StatementStatus } from './sessions.ts';
import type { GatewayVersion } from './versions.ts';

/** What one version's routes share: the manager, the sessions (one registry for every version) and paging. */
export interface GatewayContext {
  tables: MaterializedTableManager;
  sessions: SessionRegistry;
  version: GatewayVersion;
  /** Rows per fetched page; the next page is at `nextResultUri`. */
  pageSize: number;
}

export interface RunOptions {
  actor?: string;
  correlationId?: string;
  reason?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * One statement in a session: SET / RESET change the session's configuration (a bare SET lists it, masked), the
 * rest goes to the manager with the session's configuration (a CREATE MATERIALIZED TABLE's initConfig).
 */
export async function runInSession(ctx: GatewayContext, sessionHandle: string, sql: string, options: RunOptions): Promise<FlinkResult> {
  const { sessions, tables } = ctx;
  const own = parseSessionStatement(sql);
  if (own?.kind === 'set') {
    sessions.set(sessionHandle, own.key, own.value);
    return OK;
  }
  if (own?.kind === 'reset') {
    sessions.reset(sessionHandle, own.key);
    return OK;
  }
  if (own?.kind === 'list') {
    const config = sessions.shownConfiguration(sessionHandle);
    const keys = Object.keys(config).sort();
    const col = (name: string) => ({ name, logicalType: { ...VARCHAR, nullable: false }, comment: null });
    return { isQueryResult: false, resultKind: 'SUCCESS_WITH_CONTENT', jobID: null, columns: [col('key'), col('value')], rows: keys.map((k) => [k, config[k]]) };
  }
  const { signal, timeoutMs, ...who } = options;
  const execution = { ...(signal ? { signal } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
  const session = { configuration: sessions.configuration(sessionHandle), defaults: { ...sessions.defaults } };
  const result = await tables.executeStatement(sql, { ...who, execution, session });
  return toFlinkResult(result);
}

/** Flink's TIMEOUT status for a statement cut by its executionTimeout; any other failure is ERROR. */
export const statusOfFailure = (error: unknown): StatementStatus => (error instanceof QueryCancelledError && error.reason === 'timeout' ? 'TIMEOUT' : 'ERROR');

export type FoundOperation = { statement: StatementOperation; refresh?: undefined } | { statement?: undefined; refresh: OperationSummary & { table: string } };

/** A statement of the session, or one of the manager's refresh operations (durable: it outlives the session). */
export async function findOperation(ctx: GatewayContext, sessionHandle: string, operationHandle: string): Promise<FoundOperation> {
  ctx.sessions.require(sessionHandle);
  const statement = ctx.sessions.statement(sessionHandle, operationHandle);
  if (statement) return { statement };
  try {
    return { refresh: await ctx.tables.getOperation(operationHandle) };
  } catch {
    throw new OperationNotFoundError(operationHandle);
  }
}
