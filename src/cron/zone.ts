/**
 * UTC offsets of an IANA zone, fast enough for the per-fire hot path. `Intl.DateTimeFormat` is the source of
 * truth (about 1–3 µs a call), so each zone caches, per UTC day, the offset at the start of the day and any
 * transition inside it (found by bisection to the second). A cache hit is one Map lookup.
 * Assumes at most one transition per UTC day, which holds for every zone in the tz database since 1900.
 */
import { DAY_MS, SECOND_MS, wallMs } from './calendar.ts';
import { CronTimeZoneError } from './errors.ts';

interface DayOffsets {
  readonly before: number;
  /** First instant with the `after` offset; +Infinity when the day has no transition. */
  readonly transition: number;
  readonly after: number;
}

// Before 1800 every zone is on local mean time, and past 9999 Intl's year formatting changes; clamp both.
const EARLIEST = Date.UTC(1800, 0, 1);
const LATEST = Date.UTC(9999, 0, 1);
const MAX_CACHED_DAYS = 20_000;

export class ZoneOffsets {
  private readonly format: Intl.DateTimeFormat;
  private readonly days = new Map<number, DayOffsets>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Offset (ms, local minus UTC) in force at an instant. */
  offsetAt(instant: number): number {
    const key = Math.floor(instant / DAY_MS);
    let day = this.days.get(key);
    if (day === undefined) {
      if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
      day = this.computeDay(key);
      this.days.set(key, day);
    }
    return instant < day.transition ? day.before : day.after;
  }

  /**
   * The offset Java's lenient GregorianCalendar gives a wall time (`ZoneInfo.getOffsetsByWall`): the offset
   * after the latest transition whose new wall time is ≤ the wall time. So an ambiguous time takes the later
   * (post-transition) offset, and a skipped time takes the earlier one, landing after the gap.
   */
  offsetForWall(wall: number): number {
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    if (before !== after) return this.offsetAt(wall - after) === after ? after : before;
    const probe = this.offsetAt(wall - before);
    if (probe === before) return before;
    // Two transitions within two days: settle on the one nearest the wall time.
    return this.offsetAt(wall - probe) === probe ? probe : before;
  }

  private computeDay(key: number): DayOffsets {
    const start = key * DAY_MS;
    const before = this.intlOffset(start);
    const after = this.intlOffset(start + DAY_MS - SECOND_MS);
    if (before === after) return { before, transition: Number.POSITIVE_INFINITY, after };
    let lo = start; // offset `before`
    let hi = start + DAY_MS - SECOND_MS; // offset `after`
    while (hi - lo > SECOND_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / SECOND_MS) * SECOND_MS;
      if (this.intlOffset(mid) === before) lo = mid;
      else hi = mid;
    }
    return { before, transition: hi, after };
  }

  private intlOffset(instant: number): number {
    const at = Math.min(Math.max(instant, EARLIEST), LATEST);
    const seconds = Math.floor(at / SECOND_MS) * SECOND_MS;
    const f = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (const part of this.format.formatToParts(seconds)) {
      if (part.type in f) f[part.type as keyof typeof f] = Number(part.value);
    }
    return wallMs(f.year, f.month, f.day, f.hour, f.minute, f.second) - seconds;
  }
}

const zones = new Map<string, ZoneOffsets>();

/** The shared offset cache of a zone; throws CronTimeZoneError for a name the runtime does not know. */
export function zoneOffsets(timeZone: string): ZoneOffsets {
  const cached = zones.get(timeZone);
  if (cached !== undefined) return cached;
  let canonical: string;
  try {
    if (timeZone.trim() === '') throw new RangeError('empty');
    canonical = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new CronTimeZoneError(
      `Unknown time zone '${timeZone}'; use an IANA zone name such as 'Europe/Berlin', 'America/New_York' or 'UTC'.`,
    );
  }
  const zone = zones.get(canonical) ?? new ZoneOffsets(canonical);
  zones.set(canonical, zone);
  zones.set(timeZone, zone);
  return zone;
}
