import type { IntervalFreshness } from './freshness.ts';
import type { ObjectIdentifier } from './identifier.ts';

/** A statement freshet runs: a materialized-table command, or anything else as plain DuckDB SQL. */
export type Statement =
  | CreateMaterializedTable
  | SuspendMaterializedTable
  | ResumeMaterializedTable
  | RefreshMaterializedTable
  | DropMaterializedTable
  | DropTable
  | AlterFreshness
  | AlterQuery
  | ShowMaterializedTables
  | ShowCreateMaterializedTable
  | DescribeMaterializedTable
  | PlainSql;

export interface CreateMaterializedTable {
  readonly kind: 'create';
  readonly identifier: ObjectIdentifier;
  readonly ifNotExists: boolean;
  readonly comment?: string;
  /** The optional `(columns / constraints)` block, verbatim and unchecked. */
  readonly schemaSql?: string;
  readonly partitionKeys: readonly string[];
  /** `WITH (...)` options; a repeated key keeps its last value. */
  readonly options: Readonly<Record<string, string>>;
  readonly freshness: IntervalFreshness;
  /** FRESHNESS was left out: Flink's `materialized-table.default-freshness.full` (1 h) was used. */
  readonly defaultFreshness?: boolean;
  /** freshet refreshes in batch only. */
  readonly refreshMode: 'FULL';
  /** `convertFreshnessToCron(freshness)`, validated at CREATE as Flink does in FULL mode. */
  readonly cronExpression: string;
  /** The `AS` query verbatim, without a trailing `;` or trailing comments. */
  readonly query: string;
}

export interface SuspendMaterializedTable {
  readonly kind: 'suspend';
  readonly identifier: ObjectIdentifier;
}

export interface ResumeMaterializedTable {
  readonly kind: 'resume';
  readonly identifier: ObjectIdentifier;
  /** `WITH (...)` dynamic options; empty when absent. */
  readonly options: Readonly<Record<string, string>>;
}

export interface RefreshMaterializedTable {
  readonly kind: 'refresh';
  readonly identifier: ObjectIdentifier;
  /** `PARTITION (...)` with every literal turned into a string as Flink does (`5` → `"5"`); empty when absent. */
  readonly partition: Readonly<Record<string, string>>;
}

export interface DropMaterializedTable {
  readonly kind: 'drop';
  readonly identifier: ObjectIdentifier;
  readonly ifExists: boolean;
}

/**
 * `DROP TABLE [IF EXISTS] t[, …] [CASCADE | RESTRICT]` (Flink's syntax or DuckDB's): refused when a name denotes a
 * materialized table, else plain SQL.
 */
export interface DropTable {
  readonly kind: 'drop-table';
  /** The first name. */
  readonly identifier: ObjectIdentifier;
  /** Every table the statement may denote (a two-part name denotes two). */
  readonly identifiers: readonly ObjectIdentifier[];
  /** How many tables it names. */
  readonly names: number;
  readonly ifExists: boolean;
  readonly sql: string;
}

/** `ALTER MATERIALIZED TABLE t SET FRESHNESS = INTERVAL 'n' unit` (Flink 2.x): a new freshness and its cron. */
export interface AlterFreshness {
  readonly kind: 'alter-freshness';
  readonly identifier: ObjectIdentifier;
  readonly freshness: IntervalFreshness;
  readonly cronExpression: string;
}

/** `ALTER MATERIALIZED TABLE t AS <query>` (Flink 2.1+): a new definition query; FULL mode changes only the catalog. */
export interface AlterQuery {
  readonly kind: 'alter-query';
  readonly identifier: ObjectIdentifier;
  readonly query: string;
}

export interface ShowMaterializedTables {
  readonly kind: 'show-tables';
  readonly catalog: string;
  readonly database: string;
  readonly like?: { readonly not: boolean; readonly pattern: string };
}

export interface ShowCreateMaterializedTable {
  readonly kind: 'show-create';
  readonly identifier: ObjectIdentifier;
}

/** Flink's description when the table is a materialized one; `sql` runs on DuckDB otherwise. */
export interface DescribeMaterializedTable {
  readonly kind: 'describe';
  readonly identifier: ObjectIdentifier;
  readonly sql: string;
}

export interface PlainSql {
  readonly kind: 'sql';
  /** The statement exactly as given. */
  readonly sql: string;
  /** The DROP TABLE statements of a batch, checked as one alone would be. */
  readonly drops?: readonly DropTable[];
}
