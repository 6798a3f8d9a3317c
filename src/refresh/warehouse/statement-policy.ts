import { StatementType } from '@duckdb/node-api';
import { StatementNotAllowedError } from './errors.ts';

/**
 * What a user's statement may be. The sandbox (sandbox.ts) already stops DuckDB from touching files and
 * from changing global settings; this list also refuses what would outlive the request on a pooled
 * connection (session settings, variables, prepared statements, an open transaction) or reach outside the
 * one warehouse database. It is an allow-list, so a statement kind a newer DuckDB adds is refused until
 * someone decides it is safe.
 */
const ALLOWED = new Set<StatementType>([
  StatementType.SELECT,
  StatementType.INSERT,
  StatementType.UPDATE,
  StatementType.DELETE,
  StatementType.MERGE_INTO,
  StatementType.CREATE,
  StatementType.CREATE_FUNC,
  StatementType.ALTER,
  StatementType.DROP,
  StatementType.EXPLAIN,
  StatementType.ANALYZE,
  StatementType.VACUUM,
  StatementType.CALL,
]);

/** Why each refused kind is refused, in words that say what to do instead. */
const REFUSALS: Partial<Record<StatementType, string>> = {
  [StatementType.SET]:
    'SET, RESET, USE and setting PRAGMAs are not allowed: the warehouse settings are fixed by the operator, and a session setting would leak into later requests on the same connection. Qualify names instead of USE (e.g. sales.orders).',
  [StatementType.VARIABLE_SET]: 'SET VARIABLE is not allowed: a variable would outlive this request. Put the value in the statement.',
  [StatementType.TRANSACTION]:
    'BEGIN, COMMIT and ROLLBACK are not allowed: every request already runs as one transaction (all its statements apply, or none).',
  [StatementType.COPY]:
    'COPY is not allowed: statements cannot write files, and files are read only from the directories the operator allows, with a table function (INSERT INTO t SELECT * FROM read_csv(\'<allowed dir>/file.csv\')).',
  [StatementType.EXPORT]: 'EXPORT DATABASE is not allowed: statements cannot write files.',
  [StatementType.COPY_DATABASE]: 'COPY FROM DATABASE is not allowed: the warehouse is one database.',
  [StatementType.ATTACH]: 'ATTACH is not allowed: the warehouse is one database, attached by freshet.',
  [StatementType.DETACH]: 'DETACH is not allowed: the warehouse is one database, attached by freshet.',
  [StatementType.LOAD]: 'LOAD is not allowed: DuckDB extensions cannot be loaded from a statement.',
  [StatementType.EXTENSION]: 'INSTALL is not allowed: DuckDB extensions cannot be installed from a statement.',
  [StatementType.UPDATE_EXTENSIONS]: 'UPDATE EXTENSIONS is not allowed: DuckDB extensions cannot be installed from a statement.',
  [StatementType.PREPARE]: 'PREPARE is not allowed: a prepared statement would outlive this request. Send the statement itself.',
  [StatementType.EXECUTE]: 'EXECUTE is not allowed: prepared statements cannot be created here. Send the statement itself.',
  [StatementType.PRAGMA]: 'This PRAGMA is not allowed; use the table function instead (e.g. SELECT * FROM pragma_table_info(\'t\')).',
};

/** Throws `StatementNotAllowedError` naming the kind of statement when it is not allowed. */
export function checkStatementAllowed(type: StatementType, index: number, count: number): void {
  if (ALLOWED.has(type)) return;
  const where = count > 1 ? `Statement ${index + 1} of ${count} was refused and nothing was changed: ` : '';
  const name = StatementType[type] ?? String(type);
  throw new StatementNotAllowedError(`${where}${REFUSALS[type] ?? `${name} statements are not allowed.`}`);
}
