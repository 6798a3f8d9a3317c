import { wallMs } from './calendar.ts';
import { compileCron } from './compile.ts';
import { CronArgumentError } from './errors.ts';
import { compileUnixCron, type CronDialect } from './unix.ts';
import { type ZoneOffsets, zoneOffsets } from './zone.ts';
import { hostTimeZone } from '../clock/index.ts';

export interface NextFireTimesOptions {
  /** Exclusive lower bound. An ISO string without an offset is read as wall time in `timeZone`. */
  after: Date | string;
  /** IANA zone; defaults to the host zone. */
  timeZone?: string;
  /** How many fire times, 1..10000; default 1. */
  count?: number;
  /** The expression's dialect; default Quartz (Flink's). */
  dialect?: CronDialect;
}

export const MAX_COUNT = 10_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** The next `count` fire times strictly after `after`; fewer when the schedule ends. */
export function nextFireTimes(expression: string, options: NextFireTimesOptions): Date[] {
  const count = fireTimeCount(options.count);
  const zone = zoneOffsets(options.timeZone ?? hostTimeZone());
  const schedule = options.dialect === 'unix' ? compileUnixCron(expression, zone.timeZone) : compileCron(expression, zone.timeZone);
  let at = startOf(options.after, zone);
  const times: Date[] = [];
  while (times.length < count) {
    const next = schedule.nextAfter(at);
    if (next === null) break;
    times.push(new Date(next));
    at = next;
  }
  return times;
}

export function fireTimeCount(count = 1): number {
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new CronArgumentError(`count must be a whole number from 1 to ${MAX_COUNT}, got ${String(count)}`);
  }
  return count;
}

/** The exclusive start of a search: an instant, or an ISO text (wall time in the zone when it has no offset). */
export function startOf(after: Date | string, zone: ZoneOffsets): number {
  return toEpochMs(after, (wall) => wall - zone.offsetForWall(wall));
}

function toEpochMs(after: Date | string, instantOfWallTime: (wall: number) => number): number {
  if (after instanceof Date) {
    const ms = after.getTime();
    if (Number.isNaN(ms)) throw new CronArgumentError('after is an invalid Date');
    return ms;
  }
  const m = ISO.exec(after.trim());
  const ms = m === null ? Number.NaN : m[7] !== undefined ? Date.parse(after.trim()) : wallTime(m, instantOfWallTime);
  if (Number.isNaN(ms)) {
    throw new CronArgumentError(
      `after '${after}' is not an ISO-8601 date-time; use e.g. '2026-03-08T01:30:00Z', '2026-03-08T01:30:00-05:00' or '2026-03-08T01:30' (wall time in the schedule's zone)`,
    );
  }
  return ms;
}

function wallTime(m: RegExpExecArray, instantOfWallTime: (wall: number) => number): number {
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number, number, number, number, number, number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const wall = wallMs(year, month, day, hour, minute, second);
  if (new Date(wall).getUTCDate() !== day) return Number.NaN; // e.g. Feb 30
  return instantOfWallTime(wall);
}
