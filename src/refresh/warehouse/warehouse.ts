import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DuckDBInstance, StatementType } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { canonicalColumnType } from './column-types.ts';
import { InvalidQueryError, QueryCancelledError, RefreshCancelledError, RefreshTimeoutError, WarehouseClosedError, WarehouseError, toWarehouseError } from './errors.ts';
import type { CancelReason } from './errors.ts';
import { StatementGuard } from './guard.ts';
import { DEFAULT_DATABASE, FRESHET_CATALOG, quoteIdent, quoteLiteral, toDuckDbName } from './identifiers.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { ConnectionPool } from './pool.ts';
import { runRefresh } from './refresh.ts';
import { describeType, resultKind } from './result-types.ts';
import { runChecked } from './run-checked.ts';
import { checkAllowedDirs, seal } from './sandbox.ts';
import { addColumnSql, createSchemaSql, createTableSql, dropTableSql, TABLE_EXISTS_SQL } from './sql/ddl.ts';
import { buildRefreshStatements, normalizeQuery } from './sql/refresh.ts';
import { checkColumns } from './table-spec.ts';
import { toWarehouseValue } from './values.ts';
import type { ColumnSpec, CreateTableOptions, ExecuteOptions, ExecuteResult, OpenOptions, RefreshRequest, RefreshResult, TableId, WarehouseExecutor } from './types.ts';

/** The warehouse file of a freshet data directory. */
export function warehouseFile(dataDir: string): string {
  return join(dataDir, 'warehouse.duckdb');
}

interface Opened {
  instance: DuckDBInstance;
  pool: ConnectionPool;
}

const CHANGING = new Set<StatementType>([StatementType.INSERT, StatementType.UPDATE, StatementType.DELETE]);

export function createDuckDbWarehouse(): WarehouseExecutor {
  let opened: Opened | undefined;
  const running = new Map<StatementGuard, Promise<unknown>>();
  const tableLocks = new KeyedMutex();

  const queryCancelled = (reason: CancelReason, cause?: unknown) => new QueryCancelledError(reason, { cause });

  /** Registers the operation (so close() can stop it), lends it a connection and maps errors. */
  function withConnection<T>(guard: StatementGuard, work: (c: DuckDBConnection) => Promise<T>, lockKey?: string): Promise<T> {
    const operation = (async () => {
      const { pool } = current();
      const unlock = lockKey === undefined ? undefined : await guard.waitFor(tableLocks.lock(lockKey), (release) => release());
      try {
        const connection = await guard.waitFor(pool.acquire(), (c) => pool.release(c));
        try {
          return await work(connection);
        } finally {
          pool.release(connection);
        }
      } finally {
        unlock?.();
      }
    })();
    running.set(guard, operation);
    return operation
      .catch((error: unknown) => {
        throw toWarehouseError(error);
      })
      .finally(() => {
        running.delete(guard);
        guard.dispose();
      });
  }

  function current(): Opened {
    if (opened === undefined) throw new WarehouseClosedError();
    return opened;
  }

  const plain = () => new StatementGuard({}, queryCancelled);

  return {
    async open({ path, maxConnections = 4, allowReadDirs = [], threads }: OpenOptions) {
      if (opened !== undefined) throw new WarehouseError('The warehouse is already open; close it first.');
      if (!Number.isInteger(maxConnections) || maxConnections < 1) {
        throw new WarehouseError(`maxConnections must be a positive integer, got ${maxConnections}.`);
      }
      checkAllowedDirs(allowReadDirs, dirname(path));
      await mkdir(dirname(path), { recursive: true });
      try {
        // The file is ATTACHed under the catalog's name so `freshet.<database>.<table>` resolves.
        const instance = await DuckDBInstance.create(':memory:');
        const setup = await instance.connect();
        try {
          await setup.run(`ATTACH ${quoteLiteral(path)} AS ${quoteIdent(FRESHET_CATALOG)}`);
          await setup.run(createSchemaSql(FRESHET_CATALOG, DEFAULT_DATABASE));
          await seal(setup, { allowReadDirs, ...(threads !== undefined ? { threads } : {}) });
        } finally {
          setup.closeSync();
        }
        const pool = new ConnectionPool(instance, maxConnections, async (connection) => {
          await connection.run(`USE ${quoteIdent(FRESHET_CATALOG)}.${quoteIdent(DEFAULT_DATABASE)}`);
        });
        opened = { instance, pool };
      } catch (error) {
        throw toWarehouseError(error);
      }
    },

    async close() {
      const closing = opened;
      if (closing === undefined) return;
      opened = undefined; // new work is refused from here; work already running is stopped and awaited
      for (const guard of running.keys()) guard.cancel('closed');
      await Promise.allSettled([...running.values()]);
      closing.pool.closeAll();
      closing.instance.closeSync();
    },

    async execute(sql: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
      const guard = new StatementGuard(options, queryCancelled);
      return withConnection(guard, async (connection) => {
        const reader = await runChecked(connection, guard, sql, options.params);
        const result: ExecuteResult = {
          columns: reader.columnNames(),
          columnTypes: reader.columnTypes().map(describeType),
          resultKind: resultKind(reader.statementType),
          rows: reader.convertRows(toWarehouseValue),
        };
        if (CHANGING.has(reader.statementType)) result.rowsChanged = reader.rowsChanged;
        return result;
      });
    },

    async describeQuery(query: string): Promise<ColumnSpec[]> {
      const sql = normalizeQuery(query);
      return withConnection(plain(), async (connection) => {
        const statements = await connection.extractStatements(sql);
        if (statements.count !== 1) {
          throw new InvalidQueryError(`The definition query must be exactly one SELECT statement; it has ${statements.count}.`);
        }
        const prepared = await connection.prepare(sql);
        try {
          if (prepared.statementType !== StatementType.SELECT) {
            throw new InvalidQueryError('The definition query must be a SELECT statement (a query), not a command.');
          }
          return Array.from({ length: prepared.columnCount }, (_, i) => ({ name: prepared.columnName(i), type: prepared.columnType(i).toString() }));
        } finally {
          prepared.destroySync();
        }
      });
    },

    async createTable(id: TableId, columns: ColumnSpec[], options: CreateTableOptions = {}) {
      const name = toDuckDbName(id);
      checkColumns(columns, options.partitionKeys ?? []);
      await withConnection(plain(), async (connection) => {
        const canonical: ColumnSpec[] = [];
        for (const column of columns) canonical.push({ name: column.name, type: await canonicalColumnType(connection, column.name, column.type) });
        await connection.run(createSchemaSql(FRESHET_CATALOG, name.schema));
        await connection.run(createTableSql(name, canonical, options.ifNotExists ?? false));
      });
    },

    async addColumns(id: TableId, columns: ColumnSpec[]) {
      const name = toDuckDbName(id);
      await withConnection(plain(), async (connection) => {
        const canonical: ColumnSpec[] = [];
        for (const column of columns) canonical.push({ name: column.name, type: await canonicalColumnType(connection, column.name, column.type) });
        // All or none: a failure half-way leaves the table as it was.
        await connection.run('BEGIN TRANSACTION');
        try {
          for (const column of canonical) await connection.run(addColumnSql(name, column));
          await connection.run('COMMIT');
        } catch (error) {
          await connection.run('ROLLBACK');
          throw toWarehouseError(error);
        }
      });
    },

    async dropTable(id: TableId, options: { ifExists?: boolean } = {}) {
      const name = toDuckDbName(id);
      await withConnection(plain(), (connection) => connection.run(dropTableSql(name, options.ifExists ?? false)));
    },

    async tableExists(id: TableId): Promise<boolean> {
      const name = toDuckDbName(id);
      return withConnection(plain(), async (connection) => {
        const reader = await connection.runAndReadAll(TABLE_EXISTS_SQL, [FRESHET_CATALOG, name.schema, name.table]);
        return String(reader.getRows()[0]?.[0]) !== '0';
      });
    },

    async refresh(request: RefreshRequest): Promise<RefreshResult> {
      const name = toDuckDbName(request.table);
      const statements = buildRefreshStatements(name.qualified, request.query, request.partitions);
      const guard = new StatementGuard(request, (reason, cause) =>
        reason === 'timeout' ? new RefreshTimeoutError(request.timeoutMs ?? 0, { cause }) : new RefreshCancelledError(reason, { cause }),
      );
      return withConnection(guard, (connection) => runRefresh(connection, guard, { statements, ...(request.onPhase ? { onPhase: request.onPhase } : {}) }), name.lockKey);
    },
  };
}
