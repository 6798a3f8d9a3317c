/** Flink's `catalog.database.table`, already parsed (see the index for how it maps onto DuckDB). */
export interface TableId {
  catalog: string;
  database: string;
  table: string;
}

export interface ColumnSpec {
  name: string;
  /** A DuckDB type as `describeQuery` reports it, e.g. `VARCHAR`, `DECIMAL(18,3)`, `INTEGER[]`. */
  type: string;
}

/** A JSON-safe value: BIGINTs become numbers when safe (else strings), dates and timestamps ISO strings. */
export type WarehouseValue = null | boolean | number | string | WarehouseValue[] | { [key: string]: WarehouseValue };

/** A result column's DuckDB type: `id` is DuckDB's type id name (`INTEGER`, `DECIMAL`, `LIST`, `STRUCT`, …). */
export interface WarehouseType {
  id: string;
  width?: number;
  scale?: number;
  length?: number;
  element?: WarehouseType;
  key?: WarehouseType;
  value?: WarehouseType;
  fields?: { name: string; type: WarehouseType }[];
}

/** `query`: a SELECT; `content`: other rows (EXPLAIN, PRAGMA); `change`: INSERT/UPDATE/DELETE; `command`: the rest. */
export type ResultKind = 'query' | 'content' | 'change' | 'command';

export interface ExecuteResult {
  columns: string[];
  /** The result schema as DuckDB reports it, one per column (an empty result keeps its types). */
  columnTypes: WarehouseType[];
  resultKind: ResultKind;
  rows: WarehouseValue[][];
  /** Set for INSERT, UPDATE and DELETE. */
  rowsChanged?: number;
}

export interface ExecuteOptions {
  /** Bound as `$1`, `$2`, … — never pasted into the SQL. */
  params?: (string | number | boolean | null)[];
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface CreateTableOptions {
  /** Columns the table is partitioned by; each must be one of `columns`. DuckDB keeps no physical partitions. */
  partitionKeys?: string[];
  ifNotExists?: boolean;
}

/** Called as a refresh moves through its transaction, for tracing and logging. */
export type RefreshPhase = 'begin' | 'delete' | 'insert' | 'commit';

export interface RefreshRequest {
  table: TableId;
  /** The user's definition query, embedded as a subquery by design; it must be one SELECT statement. */
  query: string;
  /** Partition column → value; empty overwrites the whole table. Values are bound parameters. */
  partitions: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  onPhase?: (phase: RefreshPhase) => void;
}

export interface RefreshResult {
  rowsWritten: number;
  rowsDeleted: number;
}

export interface OpenOptions {
  /** The DuckDB database file, normally `warehouseFile(dataDir)` = `<dataDir>/warehouse.duckdb`. */
  path: string;
  /** Connections kept for concurrent statements (default 4); each running refresh holds one. */
  maxConnections?: number;
  /**
   * Directories whose files statements may read (`read_csv`, `read_parquet`, …); none by default. Nothing
   * outside them, and no file anywhere can be written. Must not overlap the warehouse file's directory.
   */
  allowReadDirs?: readonly string[];
  /**
   * DuckDB's worker threads, for the whole database (DuckDB has no per-query setting). Fixed at open: the
   * configuration is locked afterwards, so a refresh's parallelism is recorded but cannot change it.
   */
  threads?: number;
}

/** The port the refresh executor uses; one instance owns one DuckDB database file. */
export interface WarehouseExecutor {
  open(options: OpenOptions): Promise<void>;
  close(): Promise<void>;
  execute(sql: string, options?: ExecuteOptions): Promise<ExecuteResult>;
  describeQuery(query: string): Promise<ColumnSpec[]>;
  createTable(id: TableId, columns: ColumnSpec[], options?: CreateTableOptions): Promise<void>;
  /** Appends columns (ALTER MATERIALIZED TABLE … AS a query with more columns); existing rows get NULL. */
  addColumns(id: TableId, columns: ColumnSpec[]): Promise<void>;
  dropTable(id: TableId, options?: { ifExists?: boolean }): Promise<void>;
  tableExists(id: TableId): Promise<boolean>;
  refresh(request: RefreshRequest): Promise<RefreshResult>;
}
