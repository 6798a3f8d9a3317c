import { createRequire } from 'node:module';
import type { CronExpressionParser as Parser } from 'cron-parser';
import { CronExpressionError } from './errors.ts';
import { zoneOffsets } from './zone.ts';

/**
 * Which cron language an expression is written in, always named, never guessed: `quartz` (Flink's, 6–7 fields with
 * seconds and `?`, day-of-week 1 = Sunday; freshet's own engine) or `unix` (crontab, Airflow, Kubernetes CronJobs:
 * 5 fields, day-of-week 0 = Sunday; computed by cron-parser, which the standard dialect's users already trust).
 */
export type CronDialect = 'quartz' | 'unix';
export const CRON_DIALECTS: readonly CronDialect[] = ['quartz', 'unix'];

const SECOND_MS = 1000;

// Loaded when a unix expression is first compiled: Quartz-only processes (and every CLI start) skip its 15 ms load.
const require = createRequire(import.meta.url);
let parser: typeof Parser | undefined;
const cronParser = (): typeof Parser => (parser ??= (require('cron-parser') as typeof import('cron-parser')).CronExpressionParser);

/** A standard 5-field expression compiled for one zone; `nextAfter` has the Quartz engine's contract. */
export class UnixCron {
  constructor(
    readonly expression: string,
    readonly timeZone: string,
    private readonly cron: ReturnType<typeof Parser.parse>,
  ) {}

  /** First fire strictly after `epochMs` (milliseconds dropped), or null when none is left. */
  nextAfter(epochMs: number): number | null {
    this.cron.reset(new Date(Math.floor(epochMs / SECOND_MS) * SECOND_MS));
    try {
      return this.cron.next().getTime();
    } catch {
      return null; // cron-parser throws past the last time it can reach: the schedule has ended
    }
  }
}

export function compileUnixCron(expression: string, timeZone: string): UnixCron {
  const zone = zoneOffsets(timeZone); // the same zone check and message as the Quartz dialect
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new CronExpressionError(
      `A unix cron expression has 5 fields (minute hour day-of-month month day-of-week), '${expression}' has ${fields.length}. For seconds or years use the quartz dialect.`,
    );
  }
  try {
    return new UnixCron(expression, zone.timeZone, cronParser().parse(fields.join(' '), { tz: zone.timeZone, strict: false }));
  } catch (error) {
    throw new CronExpressionError(`'${expression}' is not a valid unix cron expression: ${(error as Error).message}.`);
  }
}
