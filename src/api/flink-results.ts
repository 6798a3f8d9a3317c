import type { StatementResult } from '../refresh/index.ts';

/** Flink's LogicalType JSON (LogicalTypeJsonSerializer), as far as freshet's values need it. */
export interface LogicalTypeJson {
  type: string;
  nullable: boolean;
  length?: number;
}

export interface ColumnInfo {
  name: string;
  logicalType: LogicalTypeJson;
  comment: null;
}

/** A statement's result in Flink's terms: what `…/result/0` returns as its payload. */
export interface FlinkResult {
  isQueryResult: boolean;
  resultKind: 'SUCCESS' | 'SUCCESS_WITH_CONTENT';
  jobID: string | null;
  columns: ColumnInfo[];
  rows: unknown[][];
}

const VARCHAR: LogicalTypeJson = { type: 'VARCHAR', nullable: true, length: 2147483647 };

/** DuckDB results carry names, not Flink types: the type is read off the first non-null value of the column. */
function typeOf(rows: readonly unknown[][], index: number): LogicalTypeJson {
  const value = rows.map((r) => r[index]).find((v) => v !== null && v !== undefined);
  if (value === undefined) return { type: 'NULL', nullable: true };
  if (typeof value === 'boolean') return { type: 'BOOLEAN', nullable: true };
  if (typeof value === 'number') return Number.isInteger(value) ? { type: 'BIGINT', nullable: true } : { type: 'DOUBLE', nullable: true };
  if (Array.isArray(value)) return { type: 'ARRAY', nullable: true };
  if (typeof value === 'object') return { type: 'MAP', nullable: true };
  return VARCHAR;
}

const column = (name: string, logicalType: LogicalTypeJson): ColumnInfo => ({ name, logicalType, comment: null });

/** Flink's refresh result row: (`job id` STRING, `cluster info` MAP); freshet's job is the refresh operation. */
export function refreshJobResult(operationHandle: string): FlinkResult {
  return {
    isQueryResult: false,
    resultKind: 'SUCCESS_WITH_CONTENT',
    jobID: null,
    columns: [column('job id', VARCHAR), column('cluster info', { type: 'MAP', nullable: true })],
    rows: [[operationHandle, { 'execution.target': 'freshet-embedded' }]],
  };
}

export function toFlinkResult(r: StatementResult): FlinkResult {
  switch (r.kind) {
    case 'query':
      return {
        isQueryResult: r.rowsChanged === undefined,
        resultKind: 'SUCCESS_WITH_CONTENT',
        jobID: null,
        columns: r.columns.map((name, i) => column(name, typeOf(r.rows, i))),
        rows: r.rows,
      };
    case 'ddl':
      // Flink's TABLE_RESULT_OK: one `result` column holding "OK".
      return { isQueryResult: false, resultKind: 'SUCCESS', jobID: null, columns: [column('result', VARCHAR)], rows: [['OK']] };
    case 'operation':
      return refreshJobResult(r.operationHandle);
  }
}

/** Flink's PLAIN_TEXT row format: every non-null field as its string. */
export function plainText(rows: readonly unknown[][]): unknown[][] {
  return rows.map((r) => r.map((v) => (v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v))));
}
