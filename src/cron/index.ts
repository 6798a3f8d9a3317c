/** Freshet's Quartz 2.3.2 cron dialect: parse once, then compute fire times in an IANA zone. */
export { CronArgumentError, CronExpressionError, CronTimeZoneError } from './errors.ts';
export { CompiledCron, compileCron, MAX_YEAR } from './compile.ts';
export { nextFireTimes, type NextFireTimesOptions } from './next-fire-times.ts';
export { compileUnixCron, CRON_DIALECTS, type CronDialect, UnixCron } from './unix.ts';
export { zoneOffsets } from './zone.ts';
export { type DaylightSavingNote, type FireTimesPreview, previewFireTimes } from './daylight-saving.ts';
