import { describe, expect, it } from 'vitest';
import { planBackfill } from '../../src/refresh/backfill/index.ts';
import { scheduleOf } from '../../src/workflows/index.ts';

const hourly = scheduleOf('0 0 * * * ? *', 'UTC');
const day = (t: number) => ({ ds: new Date(t - 3_600_000).toISOString().slice(0, 10) });
const at = (iso: string) => Date.parse(iso);

describe('planBackfill', () => {
  it('coalesces times into distinct partitions, in order of their first time; [from, to) is half-open', () => {
    const plan = planBackfill({ schedule: hourly, from: at('2026-01-01T01:00:00Z'), to: at('2026-01-03T01:00:00Z'), partitionOf: day, maxNominalTimes: 1_000 });
    expect(plan.map((p) => [p.partition.ds, p.nominalTimes])).toEqual([['2026-01-01', 24], ['2026-01-02', 24]]);
  });

  it('the cheap bucket only saves work: a bucket whose ends disagree is computed time by time', () => {
    let exact = 0;
    const partitionOf = (t: number) => (exact++, day(t));
    const everyThing = () => 0; // one bucket for all: wrong on purpose
    const plan = planBackfill({ schedule: hourly, from: at('2026-01-01T01:00:00Z'), to: at('2026-01-04T01:00:00Z'), partitionOf, bucketOf: everyThing, maxNominalTimes: 1_000 });
    expect(plan.map((p) => [p.partition.ds, p.nominalTimes])).toEqual([['2026-01-01', 24], ['2026-01-02', 24], ['2026-01-03', 24]]);
    exact = 0;
    planBackfill({ schedule: hourly, from: at('2026-01-01T01:00:00Z'), to: at('2026-01-04T01:00:00Z'), partitionOf, bucketOf: (t) => Math.floor((t - 3_600_000) / 86_400_000), maxNominalTimes: 1_000 });
    expect(exact).toBe(6); // first and last of each of the three day buckets
  });

  it('refuses a range with more nominal times than allowed, naming what to do', () => {
    expect(() => planBackfill({ schedule: hourly, from: at('2026-01-01T00:00:00Z'), to: at('2027-01-01T00:00:00Z'), partitionOf: day, maxNominalTimes: 100 })).toThrow(/more than 100 nominal times .*narrow from\/to/);
  });
});
