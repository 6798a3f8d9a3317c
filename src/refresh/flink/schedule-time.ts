import { DateTime, type Zone } from 'luxon';
import { compileDateFormat, formatWallClock, type CompiledDateFormat, type DateField } from './date-format.ts';
import { FlinkValidationError } from './errors.ts';

/** The format of the scheduler's fire time (`SCHEDULE_TIME_DATE_FORMATTER_DEFAULT`). */
export const SCHEDULE_TIME_FORMAT = 'yyyy-MM-dd HH:mm:ss';

const DAY_MS = 86_400_000;

/**
 * Flink's `DateTimeUtils.formatTimestampStringWithOffset`: parse `dateStr` with `fromFormat` in
 * `zone`, add `offsetMillis` to the instant (plain milliseconds, so a DAY across a DST change moves
 * the wall clock by 23 or 25 hours), format with `toFormat` in the same zone. `null` when the text
 * does not parse, as in Flink.
 */
export function formatTimestampStringWithOffset(
  dateStr: string,
  fromFormat: string,
  toFormat: string,
  zone: string,
  offsetMillis: number,
): string | null {
  const tz = resolveZone(zone);
  const to = compileDateFormat(toFormat);
  const instant = parseInZone(dateStr, compileDateFormat(fromFormat), tz);
  if (instant === null) return null;
  const t = DateTime.fromMillis(instant + offsetMillis, { zone: tz });
  if (!t.isValid) return null;
  return formatWallClock(to, t);
}

/**
 * Java's lenient `SimpleDateFormat.parse(String)`: spaces and tabs may precede a number, numbers
 * may overflow into the next unit (`2024-13-01` is 2025-01-01), text after the pattern is ignored.
 * Returns epoch milliseconds, or `null` when the text does not match.
 */
export function parseInZone(text: string, format: CompiledDateFormat, zone: Zone): number | null {
  const fields: Record<DateField, number> = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
  let at = 0;
  const { parts } = format;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as (typeof parts)[number];
    if ('literal' in part) {
      if (!text.startsWith(part.literal, at)) return null;
      at += part.literal.length;
      continue;
    }
    while (text[at] === ' ' || text[at] === '\t') at++;
    // Abutting numeric fields (yyyyMMdd) take exactly their width; others take every digit.
    const next = parts[i + 1];
    const abutting = next !== undefined && 'field' in next;
    const digits = /^[0-9]+/.exec(text.slice(at, abutting ? at + part.count : undefined))?.[0];
    if (digits === undefined) return null;
    at += digits.length;
    fields[part.field] = Number(digits);
  }
  const wall = new Date(0);
  wall.setUTCFullYear(fields.y, fields.M - 1, 1);
  const local =
    wall.getTime() + (fields.d - 1) * DAY_MS + fields.H * 3_600_000 + fields.m * 60_000 + fields.s * 1_000 + fields.S;
  if (!Number.isFinite(local) || Math.abs(local) > 8.64e15 - 2 * DAY_MS) return null;
  return local - wallOffsetMinutes(local, zone) * 60_000;
}

/**
 * The zone offset Java's `GregorianCalendar` gives a wall-clock time: in a DST overlap the later
 * (post-transition) offset, in a DST gap the earlier one (02:30 in a spring-forward gap becomes
 * 03:30). Luxon resolves these by the offset of "now", which would make results depend on the date
 * the code runs, so the rule is applied here explicitly.
 */
export function wallOffsetMinutes(localMillis: number, zone: Zone): number {
  const before = zone.offset(localMillis - DAY_MS);
  const after = zone.offset(localMillis + DAY_MS);
  return zone.offset(localMillis - after * 60_000) === after ? after : before;
}

/** An IANA zone name, `UTC`/`Z`, or a fixed offset such as `+08:00`, `GMT+8`, `UTC-05:30`. */
export function resolveZone(zone: string): Zone {
  const offset = /^(?:GMT|UTC|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone);
  const name = zone === 'Z' ? 'UTC' : offset ? `UTC${offset[1]}${offset[2]}${offset[3] ? `:${offset[3]}` : ''}` : zone;
  const probe = /^(system|local|default)$/i.test(name) ? undefined : DateTime.fromMillis(0, { zone: name });
  if (probe === undefined || !probe.isValid) {
    throw new FlinkValidationError(
      `Unknown time zone '${zone}': use an IANA name such as 'Asia/Shanghai' or 'UTC', or an offset such as '+08:00'.`,
    );
  }
  return probe.zone;
}
