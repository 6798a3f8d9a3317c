import { describe, expect, it } from 'vitest';
import {
  FlinkValidationError,
  convertFreshnessToCron,
  freshnessFromIntervalLiteral,
  freshnessToMillis,
  freshnessToString,
  intervalFreshnessOf,
  type FreshnessUnit,
  type IntervalFreshness,
} from '../../src/refresh/flink/index.ts';

const positiveInt = (v: string) => `The freshness interval currently only supports positive integer type values. But was: ${v}`;

describe('intervalFreshnessOf (Flink 2.2+ IntervalFreshness.of)', () => {
  it.each(['2efedd', '2.5', '-2', '0', '12345678901234567890', '2147483648', '', ' 5', '5 ', '+', '1_000'])(
    'rejects %j with the positive-integer message',
    (text) => {
      expect(() => intervalFreshnessOf(text, 'SECOND')).toThrow(new FlinkValidationError(positiveInt(text)));
    },
  );

  it("accepts what Java's Integer.parseInt accepts", () => {
    expect(intervalFreshnessOf('5', 'MINUTE')).toEqual({ interval: 5, unit: 'MINUTE' });
    expect(intervalFreshnessOf('+5', 'MINUTE').interval).toBe(5);
    expect(intervalFreshnessOf('007', 'HOUR').interval).toBe(7);
    expect(intervalFreshnessOf('2147483647', 'DAY').interval).toBe(2147483647);
  });

  it('rejects an unknown unit arriving from untyped input', () => {
    expect(() => intervalFreshnessOf('1', 'WEEK' as FreshnessUnit)).toThrow('Unknown freshness time unit: WEEK.');
  });
});

describe('freshnessFromIntervalLiteral (planner checks, in order)', () => {
  const lit = (sign: 1 | -1, text: string, startUnit: string, endUnit?: string) =>
    freshnessFromIntervalLiteral({ sign, text, startUnit, endUnit });

  it('checks the sign first', () => {
    expect(() => lit(-1, '30', 'SECOND')).toThrow("Materialized table freshness doesn't support negative value.");
    expect(() => lit(-1, '30', 'YEAR')).toThrow("Materialized table freshness doesn't support negative value.");
    expect(() => lit(-1, '2efedd', 'SECOND')).toThrow("doesn't support negative value.");
  });

  it("treats -'0' as not negative, as Calcite's signum does", () => {
    expect(() => lit(-1, '0', 'SECOND')).toThrow(positiveInt('0'));
  });

  it('then the unit: only single SECOND, MINUTE, HOUR, DAY', () => {
    const message = 'Materialized table freshness only support SECOND, MINUTE, HOUR, DAY as the time unit.';
    expect(() => lit(1, '30', 'YEAR')).toThrow(message);
    expect(() => lit(1, '1', 'MONTH')).toThrow(message);
    expect(() => lit(1, '30', 'DAY', 'HOUR')).toThrow(message);
  });

  it('then the integer value', () => {
    expect(() => lit(1, '2.5', 'SECOND')).toThrow(positiveInt('2.5'));
    expect(() => lit(1, '-2', 'SECOND')).toThrow(positiveInt('-2'));
    expect(lit(1, '15', 'minute')).toEqual({ interval: 15, unit: 'MINUTE' });
  });
});

describe('convertFreshnessToCron', () => {
  const f = (interval: number, unit: FreshnessUnit): IntervalFreshness => ({ interval, unit });

  it('uses the Quartz templates', () => {
    expect(convertFreshnessToCron(f(5, 'SECOND'))).toBe('0/5 * * * * ? *');
    expect(convertFreshnessToCron(f(30, 'SECOND'))).toBe('0/30 * * * * ? *');
    expect(convertFreshnessToCron(f(15, 'MINUTE'))).toBe('0 0/15 * * * ? *');
    expect(convertFreshnessToCron(f(30, 'MINUTE'))).toBe('0 0/30 * * * ? *');
    expect(convertFreshnessToCron(f(6, 'HOUR'))).toBe('0 0 0/6 * * ? *');
    expect(convertFreshnessToCron(f(1, 'DAY'))).toBe('0 0 0 * * ? *');
  });

  it.each([
    ['SECOND', 60, [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30]],
    ['MINUTE', 60, [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30]],
    ['HOUR', 24, [1, 2, 3, 4, 6, 8, 12]],
  ] as const)('accepts exactly the factors of the bound for %s', (unit, bound, allowed) => {
    const accepted = [];
    for (let n = 1; n <= 200; n++) {
      try {
        convertFreshnessToCron(f(n, unit));
        accepted.push(n);
      } catch (error) {
        const expected =
          n >= bound
            ? `In full refresh mode, freshness must be less than ${bound} when the time unit is ${unit}.`
            : `In full refresh mode, only freshness that are factors of ${bound} are currently supported when the time unit is ${unit}.`;
        expect((error as Error).message).toBe(expected);
      }
    }
    expect(accepted).toEqual(allowed);
  });

  it('accepts only 1 DAY', () => {
    expect(() => convertFreshnessToCron(f(2, 'DAY'))).toThrow(
      new FlinkValidationError('In full refresh mode, freshness must be 1 when the time unit is DAY.'),
    );
    expect(() => convertFreshnessToCron(f(7, 'DAY'))).toThrow('freshness must be 1 when the time unit is DAY.');
  });

  it('rejects an unknown unit', () => {
    expect(() => convertFreshnessToCron(f(1, 'WEEK' as FreshnessUnit))).toThrow('Unknown freshness time unit: WEEK.');
  });
});

describe('freshnessToMillis / freshnessToString', () => {
  it('is a fixed duration: a DAY is 86,400,000 ms', () => {
    expect(freshnessToMillis({ interval: 30, unit: 'SECOND' })).toBe(30_000);
    expect(freshnessToMillis({ interval: 15, unit: 'MINUTE' })).toBe(900_000);
    expect(freshnessToMillis({ interval: 2, unit: 'HOUR' })).toBe(7_200_000);
    expect(freshnessToMillis({ interval: 1, unit: 'DAY' })).toBe(86_400_000);
  });

  it("prints like Flink's toString", () => {
    expect(freshnessToString({ interval: 5, unit: 'MINUTE' })).toBe("INTERVAL '5' MINUTE");
  });
});
