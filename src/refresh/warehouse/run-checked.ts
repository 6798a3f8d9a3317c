import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import { WarehouseError } from './errors.ts';
import type { StatementGuard } from './guard.ts';
import { checkStatementAllowed } from './statement-policy.ts';

type Param = string | number | boolean | null;

/**
 * Runs a user's SQL one statement at a time, each checked against the policy just before it runs (a later
 * statement may name a table an earlier one creates, so they cannot all be prepared up front), inside one
 * transaction: a refused or failing statement rolls back the ones before it, so a request applies whole or
 * not at all. Returns the last statement's rows.
 */
export async function runChecked(connection: DuckDBConnection, guard: StatementGuard, sql: string, params?: Param[]): Promise<DuckDBResultReader> {
  const extracted = await guard.run(connection, () => connection.extractStatements(sql));
  const count = extracted.count;
  if (count === 0) throw new WarehouseError('The statement is empty: send one or more SQL statements.');
  if (params !== undefined && params.length > 0 && count > 1) {
    throw new WarehouseError(`Parameters bind to one statement; this request has ${count}.`);
  }
  const several = count > 1;
  if (several) await guard.run(connection, () => connection.run('BEGIN TRANSACTION'));
  try {
    let reader: DuckDBResultReader | undefined;
    for (let i = 0; i < count; i++) {
      const prepared = await guard.run(connection, () => extracted.prepare(i));
      try {
        checkStatementAllowed(prepared.statementType, i, count);
        if (params !== undefined && params.length > 0) prepared.bind(params);
        reader = await guard.run(connection, () => prepared.runAndReadAll());
      } finally {
        prepared.destroySync();
      }
    }
    if (several) await guard.run(connection, () => connection.run('COMMIT'));
    return reader as DuckDBResultReader;
  } catch (error) {
    if (several) await connection.run('ROLLBACK').catch(() => {});
    throw error;
  }
}
