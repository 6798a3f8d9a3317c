import { describe, expect, it } from 'vitest';
import {
  compileCron,
  CronArgumentError,
  CronExpressionError,
  CronTimeZoneError,
  MAX_YEAR,
  nextFireTimes,
} from '../../src/cron/index.ts';

/** Next `count` fire times as ISO strings (UTC). */
function next(expression: string, after: string, timeZone = 'UTC', count = 4): string[] {
  return nextFireTimes(expression, { after, timeZone, count }).map((d) => d.toISOString().replace('.000Z', 'Z'));
}

describe("Quartz's documented examples (UTC)", () => {
  it('0 15 10 ? * 6L fires on the last Friday of each month', () => {
    expect(next('0 15 10 ? * 6L', '2026-01-01T00:00:00Z')).toEqual([
      '2026-01-30T10:15:00Z', '2026-02-27T10:15:00Z', '2026-03-27T10:15:00Z', '2026-04-24T10:15:00Z',
    ]);
  });

  it('0 15 10 L-2 * ? fires two days before the last day', () => {
    expect(next('0 15 10 L-2 * ?', '2026-01-01T00:00:00Z')).toEqual([
      '2026-01-29T10:15:00Z', '2026-02-26T10:15:00Z', '2026-03-29T10:15:00Z', '2026-04-28T10:15:00Z',
    ]);
  });

  it('0 0 12 1/5 * ? fires every 5 days from the 1st, restarting each month', () => {
    expect(next('0 0 12 1/5 * ?', '2026-01-20T00:00:00Z')).toEqual([
      '2026-01-21T12:00:00Z', '2026-01-26T12:00:00Z', '2026-01-31T12:00:00Z', '2026-02-01T12:00:00Z',
    ]);
  });

  it('0 15 10 ? * 6#3 fires on the third Friday', () => {
    expect(next('0 15 10 ? * 6#3', '2026-01-01T00:00:00Z', 'UTC', 3)).toEqual([
      '2026-01-16T10:15:00Z', '2026-02-20T10:15:00Z', '2026-03-20T10:15:00Z',
    ]);
  });

  it('a fifth weekday skips months without one', () => {
    // Fifth Mondays of 2026: Mar 30, Jun 29, Aug 31.
    expect(next('0 0 9 ? * MON#5', '2026-01-01T00:00:00Z', 'UTC', 3)).toEqual([
      '2026-03-30T09:00:00Z', '2026-06-29T09:00:00Z', '2026-08-31T09:00:00Z',
    ]);
  });

  it('0 11 11 11 11 ? fires once a year', () => {
    expect(next('0 11 11 11 11 ?', '2026-11-11T11:11:00Z', 'UTC', 2)).toEqual([
      '2027-11-11T11:11:00Z', '2028-11-11T11:11:00Z',
    ]);
  });

  it('LW is the last weekday: a Saturday or Sunday month end moves back to Friday', () => {
    // 2026: Jan 31 Sat → 30, Feb 28 Sat → 27, Mar 31 Tue, May 31 Sun → 29.
    expect(next('0 0 0 LW * ?', '2026-01-01T00:00:00Z', 'UTC', 5)).toEqual([
      '2026-01-30T00:00:00Z', '2026-02-27T00:00:00Z', '2026-03-31T00:00:00Z', '2026-04-30T00:00:00Z', '2026-05-29T00:00:00Z',
    ]);
  });

  it('1W on a Saturday moves to Monday the 3rd, not back into the previous month', () => {
    // 2026-08-01 is a Saturday; 2026-02-01 a Sunday.
    expect(next('0 0 0 1W * ?', '2026-07-02T00:00:00Z', 'UTC', 1)).toEqual(['2026-08-03T00:00:00Z']);
    expect(next('0 0 0 1W * ?', '2026-01-02T00:00:00Z', 'UTC', 1)).toEqual(['2026-02-02T00:00:00Z']);
  });

  it('15W picks the nearest weekday and L-nW combines both', () => {
    // 2026-03-15 is a Sunday → Monday 16; 2010-10-30 is Saturday so L-1W → Friday 29 (Quartz's own test).
    expect(next('0 0 0 15W * ?', '2026-03-01T00:00:00Z', 'UTC', 1)).toEqual(['2026-03-16T00:00:00Z']);
    expect(next('0 15 10 L-1W * ? 2010', '2010-10-01T00:00:00Z', 'UTC', 1)).toEqual(['2010-10-29T10:15:00Z']);
    expect(next('0 15 10 L-5W * ? 2010', '2010-10-01T00:00:00Z', 'UTC', 1)).toEqual(['2010-10-26T10:15:00Z']);
  });

  it('Feb 29 fires only in leap years, and L is leap-aware', () => {
    expect(next('0 0 0 29 2 ?', '2026-01-01T00:00:00Z', 'UTC', 3)).toEqual([
      '2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z', '2036-02-29T00:00:00Z',
    ]);
    expect(next('0 0 0 L 2 ?', '2027-03-01T00:00:00Z', 'UTC', 2)).toEqual(['2028-02-29T00:00:00Z', '2029-02-28T00:00:00Z']);
    expect(next('0 0 0 29 2 ?', '2096-03-01T00:00:00Z', 'UTC', 1)).toEqual(['2104-02-29T00:00:00Z']); // 2100 is not leap
  });

  it('day-of-week 1 is Sunday and 7 is Saturday; dow L alone is Saturday', () => {
    // 2026-01-04 is a Sunday.
    expect(next('0 0 0 ? * 1', '2026-01-01T00:00:00Z', 'UTC', 1)).toEqual(['2026-01-04T00:00:00Z']);
    expect(next('0 0 0 ? * 7', '2026-01-01T00:00:00Z', 'UTC', 1)).toEqual(['2026-01-03T00:00:00Z']);
    expect(next('0 0 0 ? * L', '2026-01-01T00:00:00Z', 'UTC', 2)).toEqual(['2026-01-03T00:00:00Z', '2026-01-10T00:00:00Z']);
  });
});

describe('fields, names, ranges and steps', () => {
  it('names are case-insensitive and blanks/tabs separate fields', () => {
    expect(next(' 0\t0 12 ? jan,Mar mon-fri ', '2026-01-30T13:00:00Z', 'UTC', 2)).toEqual([
      '2026-03-02T12:00:00Z', '2026-03-03T12:00:00Z',
    ]);
  });

  it('ranges wrap around: hours 22-2, FRI-MON, NOV-FEB, seconds 58-4', () => {
    expect(next('0 0 22-2 * * ?', '2026-01-01T12:00:00Z', 'UTC', 6)).toEqual([
      '2026-01-01T22:00:00Z', '2026-01-01T23:00:00Z', '2026-01-02T00:00:00Z', '2026-01-02T01:00:00Z',
      '2026-01-02T02:00:00Z', '2026-01-02T22:00:00Z',
    ]);
    // 2026-01-01 is a Thursday: Fri 2, Sat 3, Sun 4, Mon 5, then Fri 9.
    expect(next('0 0 0 ? * FRI-MON', '2026-01-01T00:00:00Z', 'UTC', 5).map((s) => s.slice(8, 10))).toEqual(['02', '03', '04', '05', '09']);
    expect(next('0 0 0 1 NOV-FEB ?', '2026-03-01T00:00:00Z', 'UTC', 5).map((s) => s.slice(0, 7))).toEqual([
      '2026-11', '2026-12', '2027-01', '2027-02', '2027-11',
    ]);
    expect(next('58-4 0 0 * * ?', '2026-01-01T00:00:00Z', 'UTC', 4).map((s) => s.slice(17, 19))).toEqual(['01', '02', '03', '04']);
  });

  it('steps never wrap; */n and a bare /n start at the minimum; step 0 keeps only the start', () => {
    expect(next('0 0 0 1 7/6 ?', '2026-01-01T00:00:00Z', 'UTC', 2)).toEqual(['2026-07-01T00:00:00Z', '2027-07-01T00:00:00Z']);
    expect(next('/15 * * * * ?', '2026-01-01T00:00:00Z', 'UTC', 4).map((s) => s.slice(17, 19))).toEqual(['15', '30', '45', '00']);
    expect(next('*/20 * * * * ?', '2026-01-01T00:00:00Z', 'UTC', 3).map((s) => s.slice(17, 19))).toEqual(['20', '40', '00']);
    expect(next('0 0 0 ? * 1-7/0', '2026-01-01T00:00:00Z', 'UTC', 2)).toEqual(['2026-01-04T00:00:00Z', '2026-01-11T00:00:00Z']);
    expect(next('0 0 22-2/2 * * ?', '2026-01-01T00:00:00Z', 'UTC', 3)).toEqual([
      '2026-01-01T02:00:00Z', '2026-01-01T22:00:00Z', '2026-01-02T00:00:00Z',
    ]);
  });

  it('the year field is unvalidated: explicit years, lists, ranges and steps', () => {
    expect(next('0 0 12 1 1 ? 2027,2029', '2026-01-01T00:00:00Z', 'UTC', 5)).toEqual(['2027-01-01T12:00:00Z', '2029-01-01T12:00:00Z']);
    expect(next('0 0 0 1 1 ? 1969', '1960-01-01T00:00:00Z', 'UTC', 2)).toEqual(['1969-01-01T00:00:00Z']);
    expect(next('0 0 0 1 1 ? 2030/10', '2026-01-01T00:00:00Z', 'UTC', 2)).toEqual(['2030-01-01T00:00:00Z', '2040-01-01T00:00:00Z']);
    expect(next('0 0 0 1 1 ? 2028-2029', '2026-01-01T00:00:00Z', 'UTC', 5)).toHaveLength(2);
  });

  it("'*' in the year means 1970 … now+100, so times before 1970 jump to 1970", () => {
    expect(next('0 0 0 1 1 ?', '1950-06-01T00:00:00Z', 'UTC', 1)).toEqual(['1970-01-01T00:00:00Z']);
    expect(MAX_YEAR).toBe(new Date().getFullYear() + 100);
  });

  it('returns nothing past the last year or past MAX_YEAR', () => {
    expect(nextFireTimes('0 0 0 ? * * 2200', { after: '2026-01-01T00:00:00Z', timeZone: 'UTC' })).toEqual([]);
    const cron = compileCron('0 0 0 1 1 ? 2027', 'UTC');
    expect(cron.nextAfter(Date.UTC(2027, 0, 1))).toBeNull();
    expect(compileCron('0 0 0 31 2 ?', 'UTC').nextAfter(Date.UTC(2026, 0, 1))).toBeNull();
    const last = compileCron('0 0 0 1 1 ?', 'UTC').nextAfter(Date.UTC(MAX_YEAR, 0, 1));
    expect(last).toBeNull();
  });
});

describe('nextAfter', () => {
  const everySecond = compileCron('* * * * * ?', 'UTC');
  const t = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('is strictly after, at 1-second resolution, dropping milliseconds', () => {
    expect(everySecond.nextAfter(t)).toBe(t + 1000);
    expect(everySecond.nextAfter(t + 999)).toBe(t + 1000);
    expect(everySecond.nextAfter(t - 1)).toBe(t);
  });

  it('exposes the expression and the canonical zone', () => {
    const cron = compileCron('0 0 2 * * ?', 'europe/berlin');
    expect(cron.expression).toBe('0 0 2 * * ?');
    expect(cron.timeZone).toBe('Europe/Berlin');
  });

  it('defaults to the host zone', () => {
    expect(compileCron('0 0 2 * * ?').timeZone).toBe(new Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('works for per-second crons across a month and a year boundary', () => {
    const every5 = compileCron('0/5 * * * * ? *', 'Europe/Berlin');
    expect(every5.nextAfter(Date.UTC(2026, 11, 31, 22, 59, 58))).toBe(Date.UTC(2026, 11, 31, 23, 0, 0));
  });
});

describe('DST (Java lenient-calendar semantics, as Quartz)', () => {
  it('spring forward skips a fixed time that does not exist that day (America/New_York, Europe/Berlin)', () => {
    expect(next('0 30 2 * * ?', '2026-03-07T12:00:00Z', 'America/New_York', 2)).toEqual([
      '2026-03-09T06:30:00Z', '2026-03-10T06:30:00Z',
    ]);
    expect(next('0 30 2 * * ?', '2026-03-28T12:00:00Z', 'Europe/Berlin', 2)).toEqual([
      '2026-03-30T00:30:00Z', '2026-03-31T00:30:00Z',
    ]);
  });

  it('spring forward: interval crons lose the missing slots', () => {
    // 01:30 EST, then 03:00 EDT.
    expect(next('0 0/30 * * * ?', '2026-03-08T06:00:00Z', 'America/New_York', 3)).toEqual([
      '2026-03-08T06:30:00Z', '2026-03-08T07:00:00Z', '2026-03-08T07:30:00Z',
    ]);
  });

  it('fall back fires an ambiguous time once, at the later (standard-time) instant', () => {
    expect(next('0 30 1 * * ?', '2026-10-31T12:00:00Z', 'America/New_York', 2)).toEqual([
      '2026-11-01T06:30:00Z', '2026-11-02T06:30:00Z',
    ]);
    expect(next('0 30 2 * * ?', '2026-10-24T12:00:00Z', 'Europe/Berlin', 2)).toEqual([
      '2026-10-25T01:30:00Z', '2026-10-26T01:30:00Z',
    ]);
  });

  it('fall back: interval crons drop the first pass of the repeated hour', () => {
    // 00:30 EDT, then 01:00 EST — 01:00 and 01:30 EDT never fire.
    expect(next('0 0/30 * * * ?', '2026-11-01T04:00:00Z', 'America/New_York', 4)).toEqual([
      '2026-11-01T04:30:00Z', '2026-11-01T06:00:00Z', '2026-11-01T06:30:00Z', '2026-11-01T07:00:00Z',
    ]);
  });

  it('from inside the first pass, the search continues in wall-clock time (Quartz: 01:10 EDT → 01:30 EST)', () => {
    expect(next('0 0/30 * * * ?', '2026-11-01T05:10:00Z', 'America/New_York', 1)).toEqual(['2026-11-01T06:30:00Z']);
  });

  it('Australia/Lord_Howe: 30-minute fall back and spring forward', () => {
    // 2026-04-05 02:00 (+11) → 01:30 (+10:30); 2026-10-04 02:00 (+10:30) → 02:30 (+11).
    expect(next('0 0/30 * * * ?', '2026-04-04T13:00:00Z', 'Australia/Lord_Howe', 5)).toEqual([
      '2026-04-04T13:30:00Z', '2026-04-04T14:00:00Z', '2026-04-04T15:00:00Z', '2026-04-04T15:30:00Z', '2026-04-04T16:00:00Z',
    ]);
    expect(next('0 0/30 * * * ?', '2026-10-03T14:00:00Z', 'Australia/Lord_Howe', 4)).toEqual([
      '2026-10-03T14:30:00Z', '2026-10-03T15:00:00Z', '2026-10-03T15:30:00Z', '2026-10-03T16:00:00Z',
    ]);
    // 02:15 does not exist on Oct 4, so the daily job skips to Oct 5 02:15 (+11).
    expect(next('0 15 2 * * ?', '2026-10-03T00:00:00Z', 'Australia/Lord_Howe', 1)).toEqual(['2026-10-04T15:15:00Z']);
  });

  it('Lord_Howe: like Java, a skipped time moves forward by the gap and the search resumes there', () => {
    // 02:10 does not exist; the lenient calendar lands on 02:40, so 02:35 is passed over (Quartz 2.3.2 does too).
    expect(next('0 10,35 * * * ?', '2026-10-03T15:05:00Z', 'Australia/Lord_Howe', 1)).toEqual(['2026-10-03T16:10:00Z']);
  });

  it('an ISO time without an offset is wall time in the schedule zone', () => {
    expect(next('0 0 3 * * ?', '2026-03-08T01:00', 'America/New_York', 1)).toEqual(['2026-03-08T07:00:00Z']);
  });
});

describe('errors', () => {
  const cases: Array<[string, string]> = [
    ['', 'Cron expression is empty'],
    ['   ', 'Cron expression is empty'],
    ['0 3 * * *', `"0 3 * * *" has 5 fields; Quartz cron needs 6 or 7: seconds minutes hours day-of-month month day-of-week [year], with '?' in one of the day fields — e.g. "0 0 3 * * ?"`],
    ['30 2 * * 1-5', 'e.g. "0 30 2 ? * 2-6"'],
    ['0 0 *', 'Unexpected end of expression.'],
    ['@daily', `write "0 0 0 * * ?" instead`],
    ['@reboot', "'@reboot' is a Unix cron macro"],
    ['0 0 0 * * ? 2026 extra', 'Invalid expression has too many terms'],
    ['0 0 12 * * MON', 'Support for specifying both a day-of-week AND a day-of-month parameter is not implemented.'],
    ['0 0 * * * *', 'Support for specifying both a day-of-week AND a day-of-month parameter is not implemented.'],
    ['0 0 12 ? * ?', "'?' can only be specified for Day-of-Month -OR- Day-of-Week."],
    ['? 0 12 * * ?', "'?' can only be specified for Day-of-Month or Day-of-Week."],
    ['0 0 12 ? * 0', 'Day-of-Week values must be between 1 and 7'],
    ['0 0 12 ? * 8', 'Day-of-Week values must be between 1 and 7'],
    ['60 0 12 * * ?', 'Minute and Second values must be between 0 and 59'],
    ['0 0 24 * * ?', 'Hour values must be between 0 and 23'],
    ['0 0 0 32 * ?', 'Day of month values must be between 1 and 31'],
    ['0 0 0 1 13 ?', 'Month values must be between 1 and 12'],
    ['* * * * Foo ?', "Invalid Month value: 'FOO'"],
    ['* * * * Jan-Foo ?', "Invalid Month value: 'FOO'"],
    ['0 0 0 ? * FUN', "Invalid Day-of-Week value: 'FUN'"],
    ['/120 0 8-18 ? * 2-6', 'Increment > 60 : 120'],
    ['0 0/120 8-18 ? * 2-6', 'Increment > 60 : 120'],
    ['0 0 0/120 ? * 2-6', 'Increment > 24 : 120'],
    ['0 0 0 0/120 * 2-6', 'Increment > 31 : 120'],
    ['0 0 0 ? 0/120 2-6', 'Increment > 12 : 120'],
    ['0 0 0 ? * 0/120', 'Increment > 7 : 120'],
    ['/ 0 8-18 ? * 2-6', "'/' must be followed by an integer."],
    ['0 0/ 8-18 ? * 2-6', "'/' must be followed by an integer."],
    ['0 43 9 1,5,29,L * ?', "Support for specifying 'L' and 'LW' with other days of the month is not implemented"],
    ['0 43 9 ? * SAT,SUN,L', "Support for specifying 'L' with other days of the week is not implemented"],
    ['0 43 9 ? * 6,7,L', "Support for specifying 'L' with other days of the week is not implemented"],
    ['0 0 0 ? * 2#1,3#2', 'Support for specifying multiple "nth" days is not implemented.'],
    ['0 0 0 ? * 6#6', "A numeric value between 1 and 5 must follow the '#' option"],
    ['0 0 0 ? * 6#0', "A numeric value between 1 and 5 must follow the '#' option"],
    ['0/5 * * 32W 1 ?', "The 'W' option does not make sense with values larger than"],
    ['0 0 0 L-31 * ?', 'Offset from last day must be <= 30'],
    ['L 0 0 * * ?', "'L' not expected in seconds, minutes or hours fields."],
    ['0 5L 0 * * ?', "'L' not expected in seconds, minutes or hours fields."],
    ['0 0 0 * * ? 2030-2020', 'Start year must be less than stop year'],
    ['0 0 0 2W,16 * ?', "Support for specifying 'W' with other days of the month is not implemented"],
    ['0 0 0 ? * MONDAY', "Invalid Day-of-Week value: 'MONDAY'"],
    ['H 0 0 * * ?', 'Illegal characters for this position'],
    ['0 0 0 5L * ?', "'L' option is not valid here."],
  ];
  it.each(cases)('%j → %s', (expression, message) => {
    expect(() => compileCron(expression, 'UTC')).toThrow(CronExpressionError);
    expect(() => compileCron(expression, 'UTC')).toThrow(message);
  });

  it('an unknown time zone is a CronTimeZoneError naming the zone', () => {
    expect(() => compileCron('0 0 2 * * ?', 'Mars/Olympus_Mons')).toThrow(CronTimeZoneError);
    expect(() => compileCron('0 0 2 * * ?', 'Mars/Olympus_Mons')).toThrow("Unknown time zone 'Mars/Olympus_Mons'");
  });

  it('count must be 1..10000 and after must be a parsable ISO time', () => {
    const opts = { after: '2026-01-01T00:00:00Z', timeZone: 'UTC' };
    expect(() => nextFireTimes('0 0 2 * * ?', { ...opts, count: 0 })).toThrow(CronArgumentError);
    expect(() => nextFireTimes('0 0 2 * * ?', { ...opts, count: 10_001 })).toThrow('count must be a whole number from 1 to 10000');
    expect(() => nextFireTimes('0 0 2 * * ?', { ...opts, count: 1.5 })).toThrow(CronArgumentError);
    expect(() => nextFireTimes('0 0 2 * * ?', { ...opts, after: 'yesterday' })).toThrow("after 'yesterday' is not an ISO-8601 date-time");
    expect(() => nextFireTimes('0 0 2 * * ?', { ...opts, after: '2026-02-30T00:00' })).toThrow(CronArgumentError);
    expect(() => nextFireTimes('0 0 2 * * ?', { ...opts, after: new Date(Number.NaN) })).toThrow('after is an invalid Date');
    expect(nextFireTimes('0 0 2 * * ?', { ...opts, count: 10_000 })).toHaveLength(10_000);
  });
});
