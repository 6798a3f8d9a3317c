import { DuckDBDecimalType, DuckDBTypeId, JsonDuckDBValueConverter } from '@duckdb/node-api';
import type { DuckDBValueConverter } from '@duckdb/node-api';
import type { WarehouseValue } from './types.ts';

/**
 * DuckDB's JSON converter, adjusted for our API: integers that fit a double become numbers (DuckDB
 * returns every BIGINT as a string), small DECIMALs become numbers, and timestamps use ISO 8601's
 * `T` (and `Z` for TIMESTAMPTZ, which DuckDB renders in UTC). Nested values recurse through here.
 */
export const toWarehouseValue: DuckDBValueConverter<WarehouseValue> = (value, type) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return safeInteger(String(value));
    case DuckDBTypeId.DECIMAL:
      // A double holds any 15-significant-digit decimal exactly; wider ones stay strings.
      return type instanceof DuckDBDecimalType && type.width <= 15 ? Number(String(value)) : String(value);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return String(value).replace(' ', 'T');
    case DuckDBTypeId.TIMESTAMP_TZ:
      return String(value).replace(' ', 'T').replace(/\+00$/, 'Z');
    default:
      return JsonDuckDBValueConverter(value, type, toWarehouseValue);
  }
};

function safeInteger(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}
