/**
 * The embedded DuckDB warehouse that holds materialized tables, behind the `WarehouseExecutor` port.
 *
 * Identifier mapping (Flink `catalog.database.table` → DuckDB):
 * - One DuckDB file per freshet data directory: `<dataDir>/warehouse.duckdb` (`warehouseFile(dataDir)`).
 * - The Flink catalog `freshet` IS that file: it is ATTACHed as the DuckDB catalog `freshet`. Other
 *   catalog names are rejected with `UnknownCatalogError` (case-insensitively, like DuckDB).
 * - A Flink database is the DuckDB schema of the same name, created on first use. The default database
 *   `default` is the schema `"default"` (not `main`), and every connection starts with
 *   `USE freshet."default"`, so a table created as `freshet.default.t` answers to `SELECT * FROM t`,
 *   `SELECT * FROM "default".t` and `SELECT * FROM freshet.default.t`; one in database `sales` answers
 *   to `sales.t` / `freshet.sales.t`. Unqualified tables created through `execute()` land in `"default"`.
 * - Opened directly with the DuckDB CLI the file's catalog is named after the file (`warehouse`), so
 *   there use `"default".t` or `warehouse."default".t`.
 * - DuckDB resolves names case-insensitively (it keeps the case you wrote): `T` and `t` are one table.
 *
 * Every identifier is double-quoted (quotes doubled); partition values and execute() params are bound.
 *
 * Statements are sandboxed (sandbox.ts, statement-policy.ts): no file outside the operator's allowed read
 * directories, no file written, no extension, no ATTACH, no setting changed; a request of several statements
 * applies whole or not at all.
 */
export { createDuckDbWarehouse, warehouseFile } from './warehouse.ts';
export { DEFAULT_DATABASE, FRESHET_CATALOG, quoteIdent } from './identifiers.ts';
export { buildRefreshStatements } from './sql/refresh.ts';
export type { BoundStatement, RefreshStatements } from './sql/refresh.ts';
export {
  InvalidColumnTypeError,
  InvalidIdentifierError,
  InvalidQueryError,
  QueryCancelledError,
  RefreshCancelledError,
  RefreshTimeoutError,
  StatementNotAllowedError,
  TableNotFoundError,
  UnknownCatalogError,
  WarehouseClosedError,
  WarehouseError,
} from './errors.ts';
export type { CancelReason } from './errors.ts';
export type {
  ColumnSpec,
  CreateTableOptions,
  ExecuteOptions,
  ExecuteResult,
  ResultKind,
  OpenOptions,
  RefreshPhase,
  RefreshRequest,
  RefreshResult,
  TableId,
  WarehouseExecutor,
  WarehouseType,
  WarehouseValue,
} from './types.ts';
