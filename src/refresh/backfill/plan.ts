import { partitionKey } from '../manager/index.ts';
import type { MemoCron } from '../../workflows/index.ts';

/** One distinct partition of a backfill: the nominal times of the range that refresh it. */
export interface PlannedPartition {
  partition: Record<string, string>;
  nominalTimes: number;
  first: number;
  last: number;
}

export interface PlanInput {
  /** The table's schedule (its workflow's cron, zone and dialect). */
  schedule: Pick<MemoCron, 'nextAfter'>;
  /** Nominal times t with from <= t < to. */
  from: number;
  to: number;
  /** Flink's rule: the partition the fire at `t` refreshes (exact, and costly: ~12 µs). */
  partitionOf: (t: number) => Record<string, string>;
  /**
   * A cheap key that is equal for two times whose partitions are certainly equal (the wall-clock bucket of the
   * formatter's finest field); the exact rule runs only where the key changes. Omitted: every time is exact.
   */
  bucketOf?: (t: number) => number;
  /** Refuses a range with more nominal times than this (so a mistyped year does not plan for minutes). */
  maxNominalTimes: number;
}

export class BackfillRangeError extends Error {
  override name = 'BackfillRangeError';
}

/** One partition's key, whatever the order of its fields. */

/**
 * Range → nominal times under the schedule → the distinct partitions those times refresh, in order of their
 * first time: one refresh per partition, not per time (a daily table backfilled over 30 days at a 5-second
 * freshness is 30 refreshes, not 518,400). The exact rule runs at the first and last time of each bucket; if a
 * bucket's ends disagree (a daylight-saving hour read twice, say), every time in it is computed exactly.
 */
export function planBackfill(input: PlanInput): PlannedPartition[] {
  const { schedule, from, to, partitionOf, bucketOf } = input;
  const byKey = new Map<string, PlannedPartition>();
  const add = (partition: Record<string, string>, first: number, last: number, count: number) => {
    const key = partitionKey(partition);
    const seen = byKey.get(key);
    if (seen) {
      seen.nominalTimes += count;
      seen.first = Math.min(seen.first, first);
      seen.last = Math.max(seen.last, last);
    } else byKey.set(key, { partition, nominalTimes: count, first, last });
  };
  let total = 0;
  let bucket: number[] = [];
  let bucketKey = Number.NaN;
  const flush = () => {
    if (bucket.length === 0) return;
    const first = bucket[0]!;
    const last = bucket[bucket.length - 1]!;
    const a = partitionOf(first);
    if (bucket.length === 1 || partitionKey(a) === partitionKey(partitionOf(last))) add(a, first, last, bucket.length);
    else for (const t of bucket) add(partitionOf(t), t, t, 1);
    bucket = [];
  };
  for (let t = schedule.nextAfter(from - 1); t !== null && t < to; t = schedule.nextAfter(t)) {
    if (++total > input.maxNominalTimes) {
      throw new BackfillRangeError(`The range has more than ${input.maxNominalTimes} nominal times under the table's schedule: narrow from/to.`);
    }
    const k = bucketOf ? bucketOf(t) : t;
    if (k !== bucketKey) {
      flush();
      bucketKey = k;
    }
    bucket.push(t);
  }
  flush();
  return [...byKey.values()].sort((x, y) => x.first - y.first);
}
