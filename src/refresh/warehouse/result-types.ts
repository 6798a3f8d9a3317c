import { DuckDBArrayType, DuckDBDecimalType, DuckDBListType, DuckDBMapType, DuckDBStructType, type DuckDBType, DuckDBTypeId, StatementType } from '@duckdb/node-api';
import type { ResultKind, WarehouseType } from './types.ts';

/**
 * DuckDB's type of a result column as plain data (its type id name, decimal width/scale, nested types), so
 * callers outside the warehouse (Flink's typed results) read the statement's own schema, never its values.
 */
export function describeType(type: DuckDBType): WarehouseType {
  const id = DuckDBTypeId[type.typeId] ?? 'INVALID';
  if (type instanceof DuckDBDecimalType) return { id, width: type.width, scale: type.scale };
  if (type instanceof DuckDBListType) return { id, element: describeType(type.valueType) };
  if (type instanceof DuckDBArrayType) return { id, element: describeType(type.valueType), length: type.length };
  if (type instanceof DuckDBMapType) return { id, key: describeType(type.keyType), value: describeType(type.valueType) };
  if (type instanceof DuckDBStructType) return { id, fields: type.entryNames.map((name, i) => ({ name, type: describeType(type.entryTypes[i] as DuckDBType) })) };
  return { id };
}

// What a statement is, for answering it as Flink would: a query has rows, a change has a count, the rest none.
const CHANGES = new Set<StatementType>([StatementType.INSERT, StatementType.UPDATE, StatementType.DELETE]);
const READS = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN, StatementType.PRAGMA]);

export function resultKind(statementType: StatementType): ResultKind {
  if (statementType === StatementType.SELECT) return 'query';
  if (READS.has(statementType)) return 'content';
  if (CHANGES.has(statementType)) return 'change';
  return 'command';
}
