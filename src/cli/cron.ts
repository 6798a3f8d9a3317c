/**
 * `freshet cron next "<expr>" [--tz Zone] [--after ISO] [--count N] [--json]`: preview a Quartz schedule.
 * Bad input prints the error to stderr and sets exit code 2 (never process.exit: main owns the process).
 */
import type { Command } from 'commander';
import { hostTimeZone } from '../clock/index.ts';
import { CronExpressionError, nextFireTimes } from '../cron/index.ts';

interface NextOptions {
  tz?: string;
  after?: string;
  count?: string;
  json?: boolean;
}

export function registerCronCommands(program: Command): void {
  const cron = program.command('cron').description('Quartz 2.3.2 cron expressions (the dialect Flink uses)');
  cron
    .command('next')
    .description('print the next fire times of a Quartz cron expression')
    .argument('<expression>', 'Quartz cron: seconds minutes hours day-of-month month day-of-week [year], e.g. "0 0 3 * * ?"')
    .option('--tz <zone>', 'IANA time zone of the schedule (default: the host zone)')
    .option('--after <iso>', 'exclusive start; an ISO time without offset is wall time in --tz (default: now)')
    .option('--count <n>', 'how many fire times, 1..10000', '1')
    .option('--json', 'print {"expression","timeZone","fireTimes":[…]}')
    .action((expression: string, options: NextOptions, command: Command) => {
      const out = outputOf(command);
      const timeZone = options.tz ?? hostTimeZone();
      try {
        const count = options.count === undefined ? 1 : Number(options.count);
        const times = nextFireTimes(expression, { after: options.after ?? new Date(), timeZone, count });
        if (options.json === true) {
          const fireTimes = times.map((t) => t.toISOString());
          out.writeOut(`${JSON.stringify({ expression, timeZone, fireTimes })}\n`);
          return;
        }
        if (times.length === 0) out.writeOut('(no fire times: the schedule has ended)\n');
        for (const t of times) out.writeOut(`${t.toISOString()}  ${wallTime(t, timeZone)}\n`);
      } catch (error) {
        if (!(error instanceof CronExpressionError)) throw error;
        out.writeErr(`error: ${error.message}\n`);
        process.exitCode = 2;
      }
    });
}

/** Output of the root command, so tests (and main) capture it with `configureOutput` wherever they set it. */
function outputOf(command: Command): { writeOut(s: string): void; writeErr(s: string): void } {
  let root = command;
  while (root.parent !== null) root = root.parent;
  const config = root.configureOutput();
  return {
    writeOut: (s) => (config.writeOut ?? ((x: string) => process.stdout.write(x)))(s),
    writeErr: (s) => (config.writeErr ?? ((x: string) => process.stderr.write(x)))(s),
  };
}

const wallFormats = new Map<string, Intl.DateTimeFormat>();

/** "2026-11-01 01:30:00 -05:00 America/New_York" */
function wallTime(t: Date, timeZone: string): string {
  let format = wallFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      hourCycle: 'h23',
    });
    wallFormats.set(timeZone, format);
  }
  const f: Record<string, number> = {};
  for (const part of format.formatToParts(t)) f[part.type] = Number(part.value);
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = [f.year, f.month, f.day, f.hour, f.minute, f.second];
  const offsetMinutes = Math.round((Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(t.getTime() / 1000) * 1000) / 60_000);
  const abs = Math.abs(offsetMinutes);
  const two = (n: number) => String(n).padStart(2, '0');
  const offset = `${offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
  return `${y}-${two(mo)}-${two(d)} ${two(h)}:${two(mi)}:${two(s)} ${offset} ${timeZone}`;
}
