import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCron, compileUnixCron, CronExpressionError, nextFireTimes } from '../../src/cron/index.ts';

/** A field both dialects write alike: a value, a range, a step, or every. */
const field = (min: number, max: number) =>
  fc.oneof(
    fc.constant('*'),
    fc.integer({ min, max }).map(String),
    fc.integer({ min, max }).chain((a) => fc.integer({ min: a, max }).map((b) => `${a}-${b}`)),
    fc.integer({ min: 2, max: Math.max(2, Math.floor((max - min) / 2)) }).map((k) => `*/${k}`),
  );

/** Unix day-of-week 0-6 (0 = Sunday) is Quartz 1-7 (1 = Sunday). */
const toQuartzDow = (dow: string) => dow.replace(/\d+/g, (d) => String(Number(d) + 1));

const zones = fc.constantFrom('UTC', 'Asia/Tokyo', 'Europe/Berlin', 'America/New_York');

describe('the unix dialect (cron-parser) and the Quartz engine agree where they overlap', () => {
  it('gives the same next 20 fire times for equivalent expressions in any zone', () => {
    fc.assert(
      fc.property(
        field(0, 59),
        // Around a DST change (wall hours 0–3) cron implementations differ (cron-parser fires a repeated hour twice,
        // Quartz once): both dialects are held to each other on the hours no change touches.
        fc.oneof(
          fc.integer({ min: 4, max: 23 }).map(String),
          fc.integer({ min: 4, max: 23 }).chain((a) => fc.integer({ min: a, max: 23 }).map((b) => `${a}-${b}`)),
        ),
        fc.oneof(fc.constant('*'), fc.integer({ min: 1, max: 28 }).map(String)),
        fc.oneof(fc.constant('*'), fc.integer({ min: 1, max: 12 }).map(String)),
        fc.oneof(fc.constant('*'), fc.integer({ min: 0, max: 6 }).map(String), fc.constant('1-5')),
        zones,
        fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') }),
        (minute, hour, dom, month, dow, zone, after) => {
          fc.pre(dom === '*' || dow === '*'); // Quartz cannot say both at once; unix ORs them
          const unix = compileUnixCron(`${minute} ${hour} ${dom} ${month} ${dow}`, zone);
          const quartz = compileCron(`0 ${minute} ${hour} ${dow === '*' ? dom : '?'} ${month} ${dow === '*' ? '?' : toQuartzDow(dow)}`, zone);
          let u: number | null = after;
          let q: number | null = after;
          for (let i = 0; i < 20 && u !== null; i++) {
            u = unix.nextAfter(u);
            q = quartz.nextAfter(q!);
            expect(u).toBe(q);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads day-of-week 0 as Sunday and refuses anything but 5 fields, naming the quartz dialect for seconds', () => {
    const sundays = nextFireTimes('0 6 * * 0', { after: '2026-12-01T00:00:00Z', timeZone: 'UTC', count: 2, dialect: 'unix' });
    expect(sundays.map((d) => d.toISOString())).toEqual(['2026-12-06T06:00:00.000Z', '2026-12-13T06:00:00.000Z']);
    expect(() => compileUnixCron('0 0 6 * * ?', 'UTC')).toThrow(CronExpressionError);
    expect(() => compileUnixCron('0 0 6 * * ?', 'UTC')).toThrow(/has 6\. For seconds or years use the quartz dialect/);
    expect(() => compileUnixCron('61 * * * *', 'UTC')).toThrow(/not a valid unix cron expression/);
    expect(() => compileUnixCron('* * * * *', 'Mars/Olympus')).toThrow(CronExpressionError);
  });
});
