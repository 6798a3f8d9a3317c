import { compileDateFormat } from './date-format.ts';
import { FlinkExecutionError, FlinkValidationError } from './errors.ts';
import { freshnessToMillis, type IntervalFreshness } from './freshness.ts';
import { asSerializableString, type ObjectIdentifier } from './identifier.ts';
import { formatTimestampStringWithOffset, SCHEDULE_TIME_FORMAT } from './schedule-time.ts';

export const PARTITION_FIELDS = 'partition.fields';
export const DATE_FORMATTER = 'date-formatter';

export interface TableSchema {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly partitionKeys: readonly string[];
}

/**
 * Flink's HashSet/HashMap iteration order is an accident of hashing; freshet walks keys in sorted
 * (UTF-16 code unit) order instead, so errors and partition maps are the same on every run.
 */
const sorted = (keys: Iterable<string>): string[] => [...keys].sort();

/** Table options that Flink treats as partition formatters: every key starting with `partition.fields`. */
export function formatterOptionKeys(options: Readonly<Record<string, string>>): string[] {
  return sorted(Object.keys(options).filter((k) => k.startsWith(PARTITION_FIELDS)));
}

/** `partition.fields.<col>.date-formatter` → `<col>`, by Flink's substring arithmetic. */
export function partitionFieldOf(optionKey: string): string {
  const begin = PARTITION_FIELDS.length + 1;
  const end = optionKey.length - (DATE_FORMATTER.length + 1);
  if (begin > end) throw malformedOption(optionKey);
  return optionKey.slice(begin, end);
}

function malformedOption(optionKey: string): FlinkValidationError {
  return new FlinkValidationError(
    `Materialized table option '${optionKey}' is malformed: expected '${PARTITION_FIELDS}.<column>.${DATE_FORMATTER}'.`,
  );
}

/** DuckDB's names for Flink's CHARACTER_STRING family (CHAR, VARCHAR, STRING). */
export function isCharacterStringType(duckdbType: string): boolean {
  const base = duckdbType.trim().toUpperCase().replace(/\s*\(.*\)$/, '');
  return ['VARCHAR', 'CHAR', 'BPCHAR', 'TEXT', 'STRING', 'NVARCHAR', 'CHARACTER', 'CHARACTER VARYING'].includes(base);
}

/**
 * The CREATE-time checks of Flink's `verifyPartitioningColumnsExist`, with its messages: every
 * partition column is a column of the query, and every formatter option names a partition column
 * of a character-string type. freshet adds two checks Flink leaves to refresh time: the key must
 * end in `.date-formatter`, and the pattern must be one freshet can format.
 * `columnTypes` maps each query column, in query order, to its DuckDB type name.
 */
export function validateFormatterOptions(
  options: Readonly<Record<string, string>>,
  partitionColumns: readonly string[],
  columnTypes: ReadonlyMap<string, string>,
): void {
  for (const column of partitionColumns) {
    if (!columnTypes.has(column)) {
      throw new FlinkValidationError(
        `Partition column '${column}' not defined in the query's schema. Available columns: [${quotedList([...columnTypes.keys()])}].`,
      );
    }
  }
  for (const key of formatterOptionKeys(options)) {
    if (!key.startsWith(`${PARTITION_FIELDS}.`) || !key.endsWith(`.${DATE_FORMATTER}`)) throw malformedOption(key);
    const column = partitionFieldOf(key);
    if (!partitionColumns.includes(column)) {
      throw new FlinkValidationError(
        `Column '${column}' referenced by materialized table option '${key}' isn't a partition column. Available partition columns: [${quotedList(partitionColumns)}].`,
      );
    }
    const type = columnTypes.get(column) as string;
    if (!isCharacterStringType(type)) {
      throw new FlinkValidationError(
        `Materialized table option '${key}' only supports referring to char, varchar and string type partition column. Column \`${column}\` type is ${type}.`,
      );
    }
    compileDateFormat(options[key] as string);
  }
}

/**
 * `getPeriodRefreshPartition`: the partition a periodic refresh overwrites, one value per
 * formatter option, computed from the fire time minus one freshness in the session's zone.
 */
export function getPeriodRefreshPartition(
  scheduleTime: string | null | undefined,
  freshness: IntervalFreshness,
  identifier: ObjectIdentifier,
  options: Readonly<Record<string, string>>,
  zone: string,
): Record<string, string> {
  if (scheduleTime === null || scheduleTime === undefined) {
    throw new FlinkValidationError(
      `The scheduler time must not be null during the periodic refresh of the materialized table ${asSerializableString(identifier)}.`,
    );
  }
  const partition: Record<string, string> = {};
  const offset = -freshnessToMillis(freshness);
  for (const key of formatterOptionKeys(options)) {
    const field = partitionFieldOf(key);
    const value = formatTimestampStringWithOffset(scheduleTime, SCHEDULE_TIME_FORMAT, options[key] as string, zone, offset);
    if (value === null) {
      throw new FlinkExecutionError(
        `Failed to parse a valid partition value for the field '${field}' in materialized table ${asSerializableString(identifier)} using the scheduler time '${scheduleTime}' based on the date format '${SCHEDULE_TIME_FORMAT}'.`,
      );
    }
    partition[field] = value;
  }
  return partition;
}

/**
 * Flink's `validatePartitionSpec`, run before every refresh: each key must be a column of the
 * schema (not necessarily a partition key, as in Flink), and of a character-string type.
 */
export function validatePartitionSpec(spec: Readonly<Record<string, string>>, schema: TableSchema): void {
  const types = new Map(schema.columns.map((c) => [c.name, c.type]));
  const unknown: string[] = [];
  const nonString: string[] = [];
  for (const key of sorted(Object.keys(spec))) {
    const type = types.get(key);
    if (type === undefined) unknown.push(key);
    else if (!isCharacterStringType(type)) nonString.push(key);
  }
  if (unknown.length > 0) {
    throw new FlinkValidationError(
      `The partition spec contains unknown partition keys:\n\n${unknown.join('\n')}\n\nAll known partition keys are:\n\n${sorted(new Set(schema.partitionKeys)).join('\n')}`,
    );
  }
  if (nonString.length > 0) {
    throw new FlinkValidationError(
      `Currently, refreshing materialized table only supports referring to char, varchar and string type partition keys. All specified partition keys in partition specs with unsupported types are:\n\n${nonString.join('\n')}`,
    );
  }
}

/** Java's `joining("', '", "'", "'")`: `'b', 'c'`, or `''` for none. */
function quotedList(items: readonly string[]): string {
  return `'${items.join("', '")}'`;
}
