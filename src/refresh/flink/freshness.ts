import { FlinkValidationError } from './errors.ts';

export const FRESHNESS_UNITS = ['SECOND', 'MINUTE', 'HOUR', 'DAY'] as const;
export type FreshnessUnit = (typeof FRESHNESS_UNITS)[number];

/** Flink's `IntervalFreshness`: a positive int and a unit, e.g. `INTERVAL '5' MINUTE`. */
export interface IntervalFreshness {
  readonly interval: number;
  readonly unit: FreshnessUnit;
}

const UNIT_MILLIS: Record<FreshnessUnit, number> = { SECOND: 1_000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 };
/** Cron can only step evenly through a minute, an hour or a day, hence the bounds and factors. */
const CRON_UPPER_BOUND: Partial<Record<FreshnessUnit, number>> = { SECOND: 60, MINUTE: 60, HOUR: 24 };
const CRON_TEMPLATE: Record<FreshnessUnit, (n: number) => string> = {
  SECOND: (n) => `0/${n} * * * * ? *`,
  MINUTE: (n) => `0 0/${n} * * * ? *`,
  HOUR: (n) => `0 0 0/${n} * * ? *`,
  DAY: () => '0 0 0 * * ? *',
};

const INT_MAX = 2_147_483_647;

/**
 * `IntervalFreshness.of` (Flink 2.2+): the text must be a Java `int` (`Integer.parseInt`: an
 * optional sign and digits, within 32 bits) greater than zero.
 */
export function intervalFreshnessOf(interval: string, unit: FreshnessUnit): IntervalFreshness {
  assertUnit(unit);
  const invalid = () =>
    new FlinkValidationError(
      `The freshness interval currently only supports positive integer type values. But was: ${interval}`,
    );
  // Java also accepts non-ASCII decimal digits here; freshet takes ASCII digits only.
  if (!/^[+-]?[0-9]+$/.test(interval)) throw invalid();
  const value = Number(interval);
  if (value > INT_MAX || value < -INT_MAX - 1) throw invalid();
  if (value <= 0) throw invalid();
  return { interval: value, unit };
}

/**
 * The planner's `getMaterializedTableFreshness`, applied to the parts of an interval literal
 * `INTERVAL [+|-]'text' start [TO end]`: the sign is checked first (Calcite's `signum`: the literal
 * is negative only when its text holds a non-zero digit), then the unit, then the integer.
 */
export function freshnessFromIntervalLiteral(literal: {
  readonly sign: 1 | -1;
  readonly text: string;
  readonly startUnit: string;
  readonly endUnit?: string | undefined;
}): IntervalFreshness {
  if (literal.sign < 0 && /[1-9]/.test(literal.text)) {
    throw new FlinkValidationError("Materialized table freshness doesn't support negative value.");
  }
  const unit = literal.startUnit.toUpperCase();
  if (literal.endUnit !== undefined || !isFreshnessUnit(unit)) {
    throw new FlinkValidationError(
      'Materialized table freshness only support SECOND, MINUTE, HOUR, DAY as the time unit.',
    );
  }
  return intervalFreshnessOf(literal.text, unit);
}

/** `IntervalFreshness.validateFreshnessForCron`, with Flink's messages. */
export function validateFreshnessForCron(freshness: IntervalFreshness): void {
  assertUnit(freshness.unit);
  const { interval, unit } = freshness;
  const bound = CRON_UPPER_BOUND[unit];
  if (bound === undefined) {
    if (interval > 1) {
      throw new FlinkValidationError('In full refresh mode, freshness must be 1 when the time unit is DAY.');
    }
    return;
  }
  if (interval >= bound) {
    throw new FlinkValidationError(
      `In full refresh mode, freshness must be less than ${bound} when the time unit is ${unit}.`,
    );
  }
  if (bound % interval !== 0) {
    throw new FlinkValidationError(
      `In full refresh mode, only freshness that are factors of ${bound} are currently supported when the time unit is ${unit}.`,
    );
  }
}

/** `IntervalFreshness.convertFreshnessToCron`: a 7-field Quartz expression. */
export function convertFreshnessToCron(freshness: IntervalFreshness): string {
  validateFreshnessForCron(freshness);
  return CRON_TEMPLATE[freshness.unit](freshness.interval);
}

/** `toDuration().toMillis()`: a fixed length; a DAY is always 86,400,000 ms, DST or not. */
export function freshnessToMillis(freshness: IntervalFreshness): number {
  assertUnit(freshness.unit);
  return freshness.interval * UNIT_MILLIS[freshness.unit];
}

/** Flink's `toString`: `INTERVAL '5' MINUTE`. */
export function freshnessToString(freshness: IntervalFreshness): string {
  return `INTERVAL '${freshness.interval}' ${freshness.unit}`;
}

export function isFreshnessUnit(unit: string): unit is FreshnessUnit {
  return (FRESHNESS_UNITS as readonly string[]).includes(unit);
}

/** Units arrive from JSON too, where the type system cannot vouch for them. */
function assertUnit(unit: string): asserts unit is FreshnessUnit {
  if (!isFreshnessUnit(unit)) throw new FlinkValidationError(`Unknown freshness time unit: ${unit}.`);
}
