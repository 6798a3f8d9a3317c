import type { StatementResult } from '../../refresh/index.ts';
import { type LogicalTypeJson, toLogicalType, VARCHAR } from './logical-types.ts';

export interface ColumnInfo {
  name: string;
  logicalType: LogicalTypeJson;
  comment: null;
}

/** A statement's result in Flink's terms: the columns and rows its fetch pages serve. */
export interface FlinkResult {
  isQueryResult: boolean;
  resultKind: 'SUCCESS' | 'SUCCESS_WITH_CONTENT';
  /** Flink's JobID: 32 lowercase hex digits. */
  jobID: string | null;
  columns: ColumnInfo[];
  rows: unknown[][];
}

const column = (name: string, logicalType: LogicalTypeJson): ColumnInfo => ({ name, logicalType, comment: null });

/** Flink's TABLE_RESULT_OK: a statement without rows answers one `result` column holding "OK". */
export const OK: FlinkResult = { isQueryResult: false, resultKind: 'SUCCESS', jobID: null, columns: [column('result', VARCHAR)], rows: [['OK']] };

/** freshet's "job" of a refresh is its operation; as a Flink JobID it is the handle's hex digits. */
export const jobIdOf = (operationHandle: string): string | null => {
  const hex = operationHandle.replaceAll('-', '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? hex : null;
};

/** Flink's refresh result row: (`job id` STRING, `cluster info` MAP<STRING, STRING>); the job is the refresh operation. */
export function refreshJobResult(operationHandle: string): FlinkResult {
  return {
    isQueryResult: false,
    resultKind: 'SUCCESS_WITH_CONTENT',
    jobID: jobIdOf(operationHandle),
    columns: [column('job id', VARCHAR), column('cluster info', { type: 'MAP', nullable: true, keyType: VARCHAR, valueType: VARCHAR })],
    rows: [[operationHandle, { 'execution.target': 'freshet-embedded' }]],
  };
}

/**
 * A warehouse value in Flink's JSON row format for its type: a MAP is a JSON object (DuckDB renders it as a list
 * of {key, value} entries), nested inside arrays and rows too.
 */
export function toFlinkValue(value: unknown, type: LogicalTypeJson): unknown {
  if (value === null || value === undefined) return null;
  if (type.type === 'MAP' && Array.isArray(value)) {
    const valueType = type.valueType ?? VARCHAR;
    return Object.fromEntries(value.map((e: { key: unknown; value: unknown }) => [typeof e.key === 'string' ? e.key : JSON.stringify(e.key), toFlinkValue(e.value, valueType)]));
  }
  if (type.type === 'ARRAY' && Array.isArray(value)) return value.map((v) => toFlinkValue(v, type.elementType ?? VARCHAR));
  if (type.type === 'ROW' && typeof value === 'object') {
    const row = value as Record<string, unknown>;
    return Object.fromEntries((type.fields ?? []).map((f) => [f.name, toFlinkValue(row[f.name], f.fieldType)]));
  }
  return value;
}

/** Types come from the statement's result schema, so an empty result keeps them. */
export function toFlinkResult(r: StatementResult): FlinkResult {
  switch (r.kind) {
    case 'query': {
      if (r.resultKind === 'command') return OK;
      const columns = r.columns.map((name, i) => column(name, toLogicalType(r.columnTypes[i] ?? { id: 'VARCHAR' })));
      const rows = r.rows.map((row) => row.map((v, i) => toFlinkValue(v, columns[i]?.logicalType ?? VARCHAR)));
      return { isQueryResult: r.resultKind === 'query', resultKind: 'SUCCESS_WITH_CONTENT', jobID: null, columns, rows };
    }
    case 'ddl':
      return OK;
    case 'operation':
      return refreshJobResult(r.operationHandle);
  }
}

/** Flink's PLAIN_TEXT row format: every non-null field as its string. */
export function plainText(rows: readonly unknown[][]): unknown[][] {
  return rows.map((r) => r.map((v) => (v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v))));
}
