/**
 * The zone-free half of Quartz's `getTimeAfter`: the first wall-clock time at or after a given one whose fields
 * all match. Quartz walks a lenient calendar field by field; this walks the same fields through lookup tables
 * and integer date arithmetic, carrying into the next larger field exactly where Quartz does.
 */
import { lastDayOfMonth, quartzDayOfWeek, type WallFields } from './calendar.ts';
import type { CronSpec, DayRule } from './spec.ts';

/** Moves `at` forward to the first matching wall time (inclusive); false when no allowed year is left. */
export function nextMatchingWall(spec: CronSpec, at: WallFields): boolean {
  const { years, nextMonth, nextHour, nextMinute, nextSecond } = spec;
  let { year, month, day, hour, minute, second } = at;
  let yi = lowerBound(years, year);
  for (;;) {
    if (yi >= years.length) return false;
    const allowedYear = years[yi] ?? 0;
    if (allowedYear > year) {
      year = allowedYear; month = 1; day = 1; hour = 0; minute = 0; second = 0;
    }
    const m = nextMonth[month] ?? -1;
    if (m < 0) {
      year = year + 1; month = 1; day = 1; hour = 0; minute = 0; second = 0;
      yi++;
      continue;
    }
    if (m > month) {
      month = m; day = 1; hour = 0; minute = 0; second = 0;
    }
    const d = nextDay(spec.day, year, month, day);
    if (d < 0) {
      month = month + 1; day = 1; hour = 0; minute = 0; second = 0;
      continue;
    }
    if (d > day) {
      day = d; hour = 0; minute = 0; second = 0;
    }
    const h = nextHour[hour] ?? -1;
    if (h < 0) {
      day = day + 1; hour = 0; minute = 0; second = 0;
      continue;
    }
    if (h > hour) {
      hour = h; minute = 0; second = 0;
    }
    const mi = nextMinute[minute] ?? -1;
    if (mi < 0) {
      hour = hour + 1; minute = 0; second = 0;
      continue;
    }
    if (mi > minute) {
      minute = mi; second = 0;
    }
    const s = nextSecond[second] ?? -1;
    if (s < 0) {
      minute = minute + 1; second = 0;
      continue;
    }
    at.year = year;
    at.month = month;
    at.day = day;
    at.hour = hour;
    at.minute = minute;
    at.second = s;
    return true;
  }
}

function lowerBound(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first matching day ≥ `from` in the month, or -1 (also when `from` is past the month's end). */
export function nextDay(rule: DayRule, year: number, month: number, from: number): number {
  const last = lastDayOfMonth(year, month);
  if (from > last) return -1;
  let day: number;
  switch (rule.kind) {
    case 'dayOfMonthSet':
      day = rule.next[from] ?? -1;
      return day <= last ? day : -1;
    case 'lastDayOfMonth':
      day = last - rule.offset;
      if (day < 1) return -1; // `L-30` in February: Quartz never fires it that month either
      if (rule.nearestWeekday) day = nearestWeekday(year, month, day, last);
      break;
    case 'nearestWeekday':
      // 2.3.2 lets `30W` roll through its lenient calendar into the next month; like 2.5 we skip short months.
      if (rule.day > last) return -1;
      day = nearestWeekday(year, month, rule.day, last);
      break;
    case 'dayOfWeekSet': {
      const delta = rule.daysToNext[quartzDayOfWeek(year, month, from)] ?? 0;
      day = from + delta;
      return day <= last ? day : -1;
    }
    case 'lastDayOfWeek':
      day = last - ((quartzDayOfWeek(year, month, last) - rule.dayOfWeek + 7) % 7);
      break;
    case 'nthDayOfWeek':
      day = 1 + ((rule.dayOfWeek - quartzDayOfWeek(year, month, 1) + 7) % 7) + 7 * (rule.nth - 1);
      if (day > last) return -1;
      break;
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
  return day >= from ? day : -1;
}

/** Quartz's `W`: Saturday → Friday (or Monday the 3rd when it is the 1st), Sunday → Monday (or Friday when last). */
function nearestWeekday(year: number, month: number, day: number, last: number): number {
  const dow = quartzDayOfWeek(year, month, day);
  if (dow === 7) return day === 1 ? 3 : day - 1;
  if (dow === 1) return day === last ? day - 2 : day + 1;
  return day;
}
