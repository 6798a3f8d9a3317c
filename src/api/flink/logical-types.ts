import type { WarehouseType } from '../../refresh/index.ts';

/** Flink's LogicalType JSON, as its SQL Gateway serializes a result column's type (LogicalTypeJsonSerializer). */
export interface LogicalTypeJson {
  type: string;
  nullable?: boolean;
  length?: number;
  precision?: number;
  scale?: number;
  elementType?: LogicalTypeJson;
  keyType?: LogicalTypeJson;
  valueType?: LogicalTypeJson;
  fields?: { name: string; fieldType: LogicalTypeJson }[];
}

/** Flink's VARCHAR(MAX) and VARBINARY(MAX): DuckDB's strings and blobs have no declared length. */
const MAX_LENGTH = 2147483647;

const simple = (type: string): LogicalTypeJson => ({ type, nullable: true });
const decimal = (precision: number, scale: number): LogicalTypeJson => ({ type: 'DECIMAL', nullable: true, precision, scale });
export const VARCHAR: LogicalTypeJson = { type: 'VARCHAR', nullable: true, length: MAX_LENGTH };

// Same name in both systems; unsigned integers widen to the next signed type that holds every value.
const SAME = new Set(['BOOLEAN', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'FLOAT', 'DOUBLE', 'DATE']);
const WIDER: Record<string, LogicalTypeJson> = {
  UTINYINT: simple('SMALLINT'),
  USMALLINT: simple('INTEGER'),
  UINTEGER: simple('BIGINT'),
  UBIGINT: decimal(20, 0),
  HUGEINT: decimal(38, 0),
  UHUGEINT: decimal(38, 0),
};

// DuckDB's times and timestamps, by their precision (DuckDB keeps microseconds unless the type says otherwise). Its
// TIMESTAMPTZ is an instant shown in the session zone: Flink's TIMESTAMP_LTZ, not TIMESTAMP WITH TIME ZONE.
const TIMES: Record<string, [string, number]> = {
  TIME: ['TIME_WITHOUT_TIME_ZONE', 6],
  TIMESTAMP: ['TIMESTAMP_WITHOUT_TIME_ZONE', 6],
  TIMESTAMP_S: ['TIMESTAMP_WITHOUT_TIME_ZONE', 0],
  TIMESTAMP_MS: ['TIMESTAMP_WITHOUT_TIME_ZONE', 3],
  TIMESTAMP_NS: ['TIMESTAMP_WITHOUT_TIME_ZONE', 9],
  TIMESTAMP_TZ: ['TIMESTAMP_WITH_LOCAL_TIME_ZONE', 6],
};

/**
 * DuckDB's result type → Flink's logical type. DuckDB results carry no nullability, so every column is nullable
 * (as Flink reports a query's columns unless a constraint says otherwise). Types Flink has no JSON for (INTERVAL,
 * UUID, ENUM, UNION, TIME WITH TIME ZONE, …) are VARCHAR, which is how their values are rendered.
 */
export function toLogicalType(t: WarehouseType): LogicalTypeJson {
  if (SAME.has(t.id)) return simple(t.id);
  const wider = WIDER[t.id];
  if (wider) return wider;
  const time = TIMES[t.id];
  if (time) return { type: time[0], nullable: true, precision: time[1] };
  switch (t.id) {
    case 'DECIMAL':
      return decimal(t.width ?? 18, t.scale ?? 3);
    case 'VARCHAR':
      return VARCHAR;
    case 'BLOB':
      return { type: 'VARBINARY', nullable: true, length: MAX_LENGTH };
    case 'LIST':
    case 'ARRAY':
      return { type: 'ARRAY', nullable: true, elementType: toLogicalType(t.element ?? { id: 'SQLNULL' }) };
    case 'MAP':
      return { type: 'MAP', nullable: true, keyType: toLogicalType(t.key ?? { id: 'SQLNULL' }), valueType: toLogicalType(t.value ?? { id: 'SQLNULL' }) };
    case 'STRUCT':
      return { type: 'ROW', nullable: true, fields: (t.fields ?? []).map((f) => ({ name: f.name, fieldType: toLogicalType(f.type) })) };
    case 'SQLNULL':
      return { type: 'NULL' }; // Flink's NullType has no `nullable` field
    default:
      return VARCHAR;
  }
}
