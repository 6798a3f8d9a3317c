/**
 * Quartz 2.3.2 `CronExpression.getTimeAfter`, ported rather than layered on cron-parser.
 *
 * Why not cron-parser (`../shared/research/quartz-cron.md` §d–e): a Quartz layer on it must
 * re-parse every field itself (year, `?`, dow renumbering, wrap ranges, steps, `L-n`, `W`, `#`), re-verify each
 * candidate in local time for DST, and fall back to brute force when cron-parser hits its loop limit — and it
 * then costs 20 µs–1.4 ms per call, because cron-parser steps through time. Here a compiled expression is one
 * lookup table per field plus a day rule, the search jumps straight to the next allowed value of each field in
 * wall-clock arithmetic, and the zone is consulted only to convert once in and once out (cached offsets), so a
 * call costs well under a microsecond. cron-parser stays as an independent oracle in the differential tests.
 *
 * DST follows Java's lenient GregorianCalendar, which is what Quartz runs on: a wall time inside a gap is moved
 * forward by the gap length and the search continues from there (so `0 30 2 * * ?` skips the spring-forward
 * day); an ambiguous wall time resolves to the later, post-transition instant (so `0 30 1 * * ?` fires once,
 * and `0 0/30 * * * ?` skips the first pass of the repeated hour). Offsets are real deltas, so 30-minute
 * zones (Australia/Lord_Howe) work.
 *
 * Deliberate differences from 2.3.2 (each is a 2.3.2 quirk that silently misreads an expression):
 * - 8 or more fields and `L` in seconds/minutes/hours are rejected, as 2.5 does (2.3.2 ignores extra fields;
 *   `L` there makes its scheduler throw).
 * - `W` inside a day-of-month list (`2W,16`) and `#` inside a day-of-week list are rejected (2.3.2 keeps only
 *   the first/smallest day); trailing characters 2.3.2 ignores (`MONDAY`, `5x`, `MON/2`, `*x`) are rejected.
 * - `nW` past the month's length (`30W` in February) never fires that month, as in 2.5; 2.3.2 rolls it through
 *   its lenient calendar and may fire on Feb 29 or Mar 1/2.
 * - Range ends below the field minimum (day-of-month `5-0`, day-of-week `2-0`) are rejected; 2.3.2 accepts
 *   them with a wrapped meaning. Everything else, including `1-7/0` = {1} and unvalidated years, is as 2.3.2.
 */
import { SECOND_MS, type WallFields, wallFields, wallMs } from './calendar.ts';
import { CronArgumentError } from './errors.ts';
import { parseQuartz } from './parse.ts';
import { nextMatchingWall } from './search.ts';
import type { CronSpec } from './spec.ts';
import { hostTimeZone } from '../clock/index.ts';
import { type ZoneOffsets, zoneOffsets } from './zone.ts';

/**
 * Quartz's MAX_YEAR is the JVM's start year + 100; ours is this process's start year + 100, read once at load
 * like Quartz's static initializer (not through the Clock port: it bounds the search, it is not "now").
 */
export const MAX_YEAR = new Date().getFullYear() + 100;

/** Each gap moves the search forward by at least a second, but a schedule only crosses a handful per year. */
const MAX_GAP_SHIFTS = 10_000;

export class CompiledCron {
  private readonly scratch: WallFields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };

  constructor(
    readonly expression: string,
    readonly timeZone: string,
    private readonly spec: CronSpec,
    private readonly zone: ZoneOffsets,
  ) {}

  /** The instant of a wall time in this schedule's zone, resolved as Quartz's calendar would (see above). */
  instantOfWallTime(wall: number): number {
    return wall - this.zone.offsetForWall(wall);
  }

  /**
   * First fire strictly after `epochMs` (1-second resolution, milliseconds dropped), or null when none is left.
   * `onSkipped` hears each matching wall time a spring-forward gap drops on the way (its wall ms and the instant
   * the lenient calendar moves it to), so a preview can say which fire does not happen.
   */
  nextAfter(epochMs: number, onSkipped?: (wall: number, movedTo: number) => void): number | null {
    if (!Number.isFinite(epochMs)) throw new CronArgumentError(`nextAfter needs a finite epoch-millisecond time, got ${epochMs}`);
    const start = Math.floor(epochMs / SECOND_MS) * SECOND_MS + SECOND_MS;
    const f = this.scratch;
    let wall = start + this.zone.offsetAt(start);
    for (let shifts = 0; shifts < MAX_GAP_SHIFTS; shifts++) {
      wallFields(wall, f);
      if (!nextMatch(this.spec, f)) return null;
      const candidate = wallMs(f.year, f.month, f.day, f.hour, f.minute, f.second);
      const offset = this.zone.offsetForWall(candidate);
      const instant = candidate - offset;
      const actual = this.zone.offsetAt(instant);
      if (actual === offset) return instant;
      onSkipped?.(candidate, instant);
      wall = instant + actual; // the wall time does not exist: continue from where the lenient calendar lands
    }
    return null;
  }
}

function nextMatch(spec: CronSpec, f: WallFields): boolean {
  return nextMatchingWall(spec, f) && f.year <= spec.maxYear;
}

/** Parses and validates once. `timeZone` defaults to the host zone, as Flink uses the JVM default zone. */
export function compileCron(expression: string, timeZone: string = hostTimeZone()): CompiledCron {
  const zone = zoneOffsets(timeZone);
  return new CompiledCron(expression, zone.timeZone, parseQuartz(expression, MAX_YEAR), zone);
}
