/**
 * Proleptic-Gregorian civil arithmetic on "wall milliseconds" (a local date-time written as if it were UTC).
 * Integer-only so the search loop never allocates a Date; algorithms after Howard Hinnant's `days_from_civil`.
 */

export const SECOND_MS = 1000;
export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a civil date (month 1..12; day may run past the month end). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Civil fields of a wall-millisecond value; reused object to keep the hot path allocation-free. */
export interface WallFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallFields(wallMs: number, out: WallFields): WallFields {
  const days = Math.floor(wallMs / DAY_MS);
  let secOfDay = Math.floor((wallMs - days * DAY_MS) / SECOND_MS);
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  out.day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  out.month = mp < 10 ? mp + 3 : mp - 9;
  out.year = yoe + era * 400 + (out.month <= 2 ? 1 : 0);
  out.hour = Math.floor(secOfDay / 3600);
  secOfDay -= out.hour * 3600;
  out.minute = Math.floor(secOfDay / 60);
  out.second = secOfDay - out.minute * 60;
  return out;
}

export function wallMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  return daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * SECOND_MS;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_LENGTHS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function lastDayOfMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_LENGTHS[month] ?? 31);
}

/** Day of week in Quartz numbering: 1 = Sunday … 7 = Saturday. */
export function quartzDayOfWeek(year: number, month: number, day: number): number {
  // 1970-01-01 was a Thursday (Quartz 5).
  return ((((daysFromCivil(year, month, day) + 4) % 7) + 7) % 7) + 1;
}
