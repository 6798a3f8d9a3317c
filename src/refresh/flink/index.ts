/**
 * Flink's materialized-table rules, pure: identifiers, freshness → cron, the statement parser,
 * partition formatters and the periodic partition. No engine, no I/O.
 */
export { FlinkExecutionError, FlinkSyntaxError, FlinkValidationError, type FlinkValidationCode, type SourcePosition } from './errors.ts';
export {
  DEFAULT_CATALOG,
  DEFAULT_DATABASE,
  FRESHET_DEFAULTS,
  asSerializableString,
  asSummaryString,
  escapeIdentifier,
  parseIdentifier,
  qualify,
  type IdentifierDefaults,
  type ObjectIdentifier,
} from './identifier.ts';
export {
  FRESHNESS_UNITS,
  convertFreshnessToCron,
  freshnessFromIntervalLiteral,
  freshnessToMillis,
  freshnessToString,
  intervalFreshnessOf,
  isFreshnessUnit,
  validateFreshnessForCron,
  type FreshnessUnit,
  type IntervalFreshness,
} from './freshness.ts';
export { parseStatement } from './parser.ts';
export { workflowInitConfig } from './init-config.ts';
export { likeMatcher } from './parse-show.ts';
export { flinkTypeName } from './sql-types.ts';
export { DEFAULT_FULL_FRESHNESS } from './parse-create.ts';
export type {
  CreateMaterializedTable,
  DropMaterializedTable,
  AlterFreshness,
  AlterQuery,
  DescribeMaterializedTable,
  DropTable,
  ShowCreateMaterializedTable,
  ShowMaterializedTables,
  PlainSql,
  RefreshMaterializedTable,
  ResumeMaterializedTable,
  Statement,
  SuspendMaterializedTable,
} from './statement.ts';
export { compileDateFormat, formatWallClock, type CompiledDateFormat, type WallClock } from './date-format.ts';
export { SCHEDULE_TIME_FORMAT, formatTimestampStringWithOffset, resolveZone } from './schedule-time.ts';
export {
  DATE_FORMATTER,
  PARTITION_FIELDS,
  formatterOptionKeys,
  getPeriodRefreshPartition,
  isCharacterStringType,
  partitionFieldOf,
  validateFormatterOptions,
  validatePartitionSpec,
  type TableSchema,
} from './partition.ts';
