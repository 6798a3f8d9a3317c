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
