/**
 * `freshet cron next "<expr>" | --workflow <id> [--time-zone Zone] [--after ISO] [--count N] [--json]`: preview a
 * Quartz schedule, or the next times of an existing workflow. Bad input is a usage error (exit code 2).
 */
import type { Command } from 'commander';
import { hostTimeZone } from '../clock/index.ts';
import type { CronDialect } from '../cron/index.ts';
import { clientOf, usage } from './client.ts';
import { outputOf } from './output.ts';
import { zonedTime } from './times.ts';

interface NextOptions {
  timeZone?: string;
  after?: string;
  count: string;
  workflow?: string;
  dialect?: string;
  json?: boolean;
}

const MAX_COUNT = 10_000;
/** Before any schedule can start: a cron with no time after this never fires at all (e.g. 31 February). */
const BEGINNING = new Date(Date.UTC(1970, 0, 1));

export function registerCronCommands(program: Command): void {
  const cron = program.command('cron').description('Cron expressions: Quartz 2.3.2 (the dialect Flink uses) or unix (--dialect unix)');
  cron
    .command('next')
    .description('print the next fire times of a Quartz cron expression, or of an existing workflow (--workflow)')
    .argument('[expression]', 'Quartz cron: seconds minutes hours day-of-month month day-of-week [year], e.g. "0 0 3 * * ?"')
    .option('--workflow <id>', "an existing workflow's schedule and zone, read from the running freshet")
    .option('--time-zone <zone>', 'IANA time zone of the schedule (default: the host zone, or the workflow\'s)')
    .option('--after <iso>', 'exclusive start; an ISO time without offset is wall time in the zone (default: now)')
    .option('--count <n>', `how many fire times, 1..${MAX_COUNT}`, '1')
    .option('--dialect <dialect>', 'quartz (default) or unix (5 fields: minute hour day-of-month month day-of-week, 0 = Sunday)')
    .option('--json', 'print {"expression","timeZone","fireTimes":[…]}')
    .action(async (given: string | undefined, options: NextOptions, command: Command) => {
      const out = outputOf(command);
      // Loaded here, not at the top: every other command (and `--version`) starts without the cron dialects.
      const cronModule = await import('../cron/index.ts');
      const { CRON_DIALECTS } = cronModule;
      const count = /^\d+$/.test(options.count) ? Number(options.count) : Number.NaN;
      if (!(count >= 1 && count <= MAX_COUNT)) usage(`--count '${options.count}': count must be a whole number from 1 to ${MAX_COUNT}.`);
      if ((given === undefined) === (options.workflow === undefined)) usage('Give a cron expression or --workflow <id>, not both and not neither.');
      if (options.dialect !== undefined && !(CRON_DIALECTS as readonly string[]).includes(options.dialect)) usage(`--dialect '${options.dialect}': use quartz or unix.`);
      let dialect = (options.dialect ?? 'quartz') as CronDialect;
      let expression = given ?? '';
      let timeZone = options.timeZone ?? hostTimeZone();
      if (options.workflow !== undefined) {
        const w = await clientOf(command).call<{ cronExpression: string; cronDialect: CronDialect; timeZone: string }>('GET', `/v1/workflows/${encodeURIComponent(options.workflow)}`);
        expression = w.cronExpression;
        dialect = w.cronDialect;
        timeZone = options.timeZone ?? w.timeZone;
      }
      const times = preview(cronModule, expression, timeZone, options.after ?? new Date(), count, dialect);
      if (options.json === true) {
        out.writeOut(`${JSON.stringify({ expression, dialect, timeZone, fireTimes: times.map((t) => t.toISOString()) })}\n`);
        return;
      }
      if (times.length === 0) {
        const ever = preview(cronModule, expression, timeZone, BEGINNING, 1, dialect).length > 0;
        out.writeOut(ever ? '(no fire times: the schedule has ended)\n' : '(no fire times: this schedule never fires, e.g. a day the month does not have)\n');
      }
      for (const t of times) out.writeOut(`${t.toISOString()}  ${zonedTime(t.getTime(), timeZone)}\n`);
    });
}

type CronModule = typeof import('../cron/index.ts');

function preview(cron: CronModule, expression: string, timeZone: string, after: Date | string, count: number, dialect: CronDialect): Date[] {
  const { CronArgumentError, CronExpressionError, CronTimeZoneError, nextFireTimes } = cron;
  try {
    return nextFireTimes(expression, { after, timeZone, count, dialect });
  } catch (error) {
    if (error instanceof CronExpressionError || error instanceof CronTimeZoneError || error instanceof CronArgumentError) usage(error.message);
    throw error;
  }
}
