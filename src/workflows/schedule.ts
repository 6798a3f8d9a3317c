import { compileCron, compileUnixCron, type CronDialect } from '../cron/index.ts';

/**
 * Compiled crons are shared by every workflow with the same expression and zone, and each remembers its last
 * answer: 10,000 workflows on one cron ask the same question at every fire, and pay for it once.
 */
const cache = new Map<string, MemoCron>();

export interface MemoCron {
  nextAfter(epochMs: number): number | null;
  /** The last fire time <= epochMs (null if none within a year), found by widening steps back from epochMs. */
  lastAtOrBefore(epochMs: number): number | null;
}

class Memo implements MemoCron {
  private lastIn = Number.NaN;
  private lastOut: number | null = null;
  constructor(private readonly cron: { nextAfter(epochMs: number): number | null }) {}

  nextAfter(epochMs: number): number | null {
    if (epochMs !== this.lastIn) {
      this.lastOut = this.cron.nextAfter(epochMs);
      this.lastIn = epochMs;
    }
    return this.lastOut;
  }

  lastAtOrBefore(epochMs: number): number | null {
    const YEAR = 366 * 86_400_000;
    for (let back = 1000; back <= YEAR * 2; back *= 2) {
      let t = this.cron.nextAfter(epochMs - back);
      if (t === null || t > epochMs) continue;
      for (let n = this.cron.nextAfter(t); n !== null && n <= epochMs; n = this.cron.nextAfter(t)) t = n;
      return t;
    }
    return null;
  }
}

/** The schedule of an expression in its dialect (Quartz unless named otherwise: Flink's workflows are Quartz). */
export function scheduleOf(cronExpression: string, timeZone: string, dialect: CronDialect = 'quartz'): MemoCron {
  const key = `${dialect}\u0000${timeZone}\u0000${cronExpression}`;
  let memo = cache.get(key);
  if (!memo) {
    memo = new Memo(dialect === 'unix' ? compileUnixCron(cronExpression, timeZone) : compileCron(cronExpression, timeZone));
    if (cache.size > 10_000) cache.clear();
    cache.set(key, memo);
  }
  return memo;
}

/** What a workflow's schedule is made of: its cron in its dialect and zone, and its bounds [startAt, endAt). */
export interface ScheduleSpec {
  cronExpression: string;
  timeZone: string;
  cronDialect?: 'unix';
  /** No fire time before this instant (epoch ms). */
  startAt?: number;
  /** No fire time at or after this instant (epoch ms). */
  endAt?: number;
}

/**
 * A workflow's schedule: the cron's fire times inside its bounds. Unbounded (nearly every workflow) it is the shared
 * memoized cron itself, so the hot paths allocate nothing.
 */
export function scheduleOfSpec(spec: ScheduleSpec): MemoCron {
  const cron = scheduleOf(spec.cronExpression, spec.timeZone, spec.cronDialect);
  const { startAt, endAt } = spec;
  if (startAt === undefined && endAt === undefined) return cron;
  const inside = (t: number | null) => (t === null || (endAt !== undefined && t >= endAt) || (startAt !== undefined && t < startAt) ? null : t);
  return {
    nextAfter: (epochMs) => inside(cron.nextAfter(startAt === undefined ? epochMs : Math.max(epochMs, startAt - 1))),
    lastAtOrBefore: (epochMs) => inside(cron.lastAtOrBefore(endAt === undefined ? epochMs : Math.min(epochMs, endAt - 1))),
  };
}
