import type { DuckDBConnection } from '@duckdb/node-api';
import type { StatementGuard } from './guard.ts';
import type { BoundStatement, RefreshStatements } from './sql/refresh.ts';
import type { RefreshPhase, RefreshResult } from './types.ts';

export interface RefreshRun {
  statements: RefreshStatements;
  onPhase?: (phase: RefreshPhase) => void;
}

/**
 * DELETE then INSERT in one transaction. DuckDB's MVCC gives every other connection either the rows
 * from before BEGIN or the rows after COMMIT; an error or a cancellation anywhere before COMMIT
 * succeeds rolls back, so the old rows stay. A cancellation that arrives after COMMIT succeeded is
 * too late to undo anything, and the refresh reports its real outcome: success.
 */
export async function runRefresh(connection: DuckDBConnection, guard: StatementGuard, run: RefreshRun): Promise<RefreshResult> {
  const { statements, onPhase } = run;
  onPhase?.('begin');
  await guard.run(connection, () => connection.run('BEGIN TRANSACTION'));
  try {
    onPhase?.('delete');
    const rowsDeleted = await guard.run(connection, () => runBound(connection, statements.delete));
    onPhase?.('insert');
    const rowsWritten = await guard.run(connection, () => runBound(connection, statements.insert));
    onPhase?.('commit');
    await guard.run(connection, () => connection.run('COMMIT'));
    return { rowsWritten, rowsDeleted };
  } catch (error) {
    await rollback(connection);
    throw error;
  }
}

/** Prepared, so the statement is exactly one statement and its values are bound, never pasted. */
async function runBound(connection: DuckDBConnection, statement: BoundStatement): Promise<number> {
  const prepared = await connection.prepare(statement.sql);
  try {
    if (statement.params.length > 0) prepared.bind(statement.params);
    const result = await prepared.run();
    return result.rowsChanged;
  } finally {
    prepared.destroySync();
  }
}

/** DuckDB may already have ended a failed transaction itself ("no transaction is active"). */
async function rollback(connection: DuckDBConnection): Promise<void> {
  try {
    await connection.run('ROLLBACK');
  } catch {
    // Nothing left to undo.
  }
}
