/** Base of the warehouse's typed errors; `message` carries DuckDB's own text when DuckDB raised it. */
export class WarehouseError extends Error {
  override name = 'WarehouseError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A name that cannot be mapped onto DuckDB (empty, or containing a NUL character). */
export class InvalidIdentifierError extends WarehouseError {
  override name = 'InvalidIdentifierError';
}

/** The identifier names a catalog this warehouse does not hold. */
export class UnknownCatalogError extends WarehouseError {
  override name = 'UnknownCatalogError';
  constructor(
    readonly catalog: string,
    readonly knownCatalog: string,
  ) {
    super(`Unknown catalog '${catalog}': this warehouse only holds catalog '${knownCatalog}'. Use '${knownCatalog}' as the catalog.`);
  }
}

export class TableNotFoundError extends WarehouseError {
  override name = 'TableNotFoundError';
}

/** A column type that is not a plain DuckDB type name (e.g. it contains `;`, quotes or comments). */
export class InvalidColumnTypeError extends WarehouseError {
  override name = 'InvalidColumnTypeError';
}

/** The definition query is not exactly one SELECT statement. */
export class InvalidQueryError extends WarehouseError {
  override name = 'InvalidQueryError';
}

/**
 * The statement would reach outside the warehouse (a file, a setting, an extension, another database) or
 * outlive its request; nothing it was part of was applied.
 */
export class StatementNotAllowedError extends WarehouseError {
  override name = 'StatementNotAllowedError';
}

export class WarehouseClosedError extends WarehouseError {
  override name = 'WarehouseClosedError';
  constructor() {
    super('The warehouse is closed; open it again before running statements.');
  }
}

export type CancelReason = 'aborted' | 'timeout' | 'closed';

/** `execute()` was stopped by its signal, its timeout or `close()`; its statement was interrupted. */
export class QueryCancelledError extends WarehouseError {
  override name = 'QueryCancelledError';
  constructor(
    readonly reason: CancelReason,
    options?: { cause?: unknown },
  ) {
    super(`The statement was ${describe(reason)} and rolled back.`, options);
  }
}

/** A refresh was stopped by its signal or by `close()`; nothing it wrote is visible. */
export class RefreshCancelledError extends WarehouseError {
  override name = 'RefreshCancelledError';
  constructor(
    readonly reason: 'aborted' | 'closed',
    options?: { cause?: unknown },
  ) {
    super(`The refresh was ${describe(reason)} and rolled back; the table keeps its previous rows.`, options);
  }
}

/** A refresh ran longer than its `timeoutMs`; it was interrupted and nothing it wrote is visible. */
export class RefreshTimeoutError extends WarehouseError {
  override name = 'RefreshTimeoutError';
  constructor(
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`The refresh exceeded its timeout of ${timeoutMs} ms and was rolled back; the table keeps its previous rows.`, options);
  }
}

function describe(reason: CancelReason): string {
  if (reason === 'aborted') return 'cancelled';
  if (reason === 'timeout') return 'stopped by its timeout';
  return 'stopped because the warehouse closed';
}

/** Wraps anything DuckDB threw, keeping its message (which says what to fix) and the original as `cause`. */
export function toWarehouseError(error: unknown): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // DuckDB's sandbox (external access off, configuration locked) refuses with these prefixes.
  if (/^Permission Error: /.test(message) || /the configuration has been locked/.test(message)) {
    return new StatementNotAllowedError(sandboxMessage(message), { cause: error });
  }
  if (/^Catalog Error: (Table|Schema) with name .* does not exist/.test(message)) {
    return new TableNotFoundError(message, { cause: error });
  }
  return new WarehouseError(message, { cause: error });
}

function sandboxMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  if (/file system operations are disabled/.test(first)) {
    return `${first}. Statements may read files only in the directories the operator allows (freshet serve --allow-read-dir); they never write files.`;
  }
  if (/configuration has been locked/.test(first)) return `${first}: warehouse settings are fixed by the operator.`;
  return first;
}
