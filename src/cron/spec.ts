/** The compiled, zone-free form of a Quartz expression: one lookup table per field, one day rule. */

/**
 * How a day is chosen. Quartz lets exactly one of day-of-month / day-of-week be specified, so a day rule is
 * one of these. Day-of-week numbers are Quartz's: 1 = Sunday … 7 = Saturday.
 */
export type DayRule =
  /** Plain day-of-month values; `next[d]` = smallest listed day ≥ d, or -1. */
  | { kind: 'dayOfMonthSet'; next: Int8Array }
  /** `L`, `L-n`, `LW`, `L-nW`. */
  | { kind: 'lastDayOfMonth'; offset: number; nearestWeekday: boolean }
  /** `nW`. */
  | { kind: 'nearestWeekday'; day: number }
  /** Plain day-of-week values; `daysToNext[d]` = days from a Quartz weekday d to the next listed one (0..6). */
  | { kind: 'dayOfWeekSet'; daysToNext: Int8Array }
  /** `nL`: the last such weekday of the month. */
  | { kind: 'lastDayOfWeek'; dayOfWeek: number }
  /** `n#k`: the k-th such weekday of the month. */
  | { kind: 'nthDayOfWeek'; dayOfWeek: number; nth: number };

export interface CronSpec {
  /** `nextX[v]` = smallest allowed value ≥ v, or -1; one extra slot past the max so carries read -1. */
  readonly nextSecond: Int8Array;
  readonly nextMinute: Int8Array;
  readonly nextHour: Int8Array;
  readonly nextMonth: Int8Array;
  readonly day: DayRule;
  /** Allowed years, ascending, none above `maxYear`. */
  readonly years: Int32Array;
  /** Quartz's MAX_YEAR: nothing fires in a later year. */
  readonly maxYear: number;
}

/** Builds a "next allowed value ≥ v" table over 0..max (+1 sentinel) from a membership array. */
export function nextTable(allowed: readonly boolean[], max: number): Int8Array {
  const table = new Int8Array(max + 2).fill(-1);
  let next = -1;
  for (let v = max; v >= 0; v--) {
    if (allowed[v] === true) next = v;
    table[v] = next;
  }
  return table;
}
