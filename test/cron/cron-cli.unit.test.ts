import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../cli/support/run.ts';

async function run(...args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  const { out, err, code } = await cli('cron', 'next', ...args);
  return { out, err, exitCode: code === 0 ? undefined : code };
}

describe('freshet cron next', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-07T12:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('prints one ISO instant per line with the wall time and zone beside it', async () => {
    const { out, err, exitCode } = await run('0 30 1 * * ?', '--time-zone', 'America/New_York', '--after', '2026-10-31T12:00:00Z', '--count', '2');
    expect(out).toBe(
      '2026-11-01T06:30:00.000Z  2026-11-01 01:30:00 -05:00 America/New_York\n' +
        '2026-11-02T06:30:00.000Z  2026-11-02 01:30:00 -05:00 America/New_York\n',
    );
    expect(err).toBe('');
    expect(exitCode).toBeUndefined();
  });

  it('--json prints expression, zone and fire times; --after defaults to now', async () => {
    const { out } = await run('0 30 2 * * ?', '--time-zone', 'America/New_York', '--count', '2', '--json');
    expect(JSON.parse(out)).toEqual({
      expression: '0 30 2 * * ?',
      dialect: 'quartz',
      timeZone: 'America/New_York',
      fireTimes: ['2026-03-09T06:30:00.000Z', '2026-03-10T06:30:00.000Z'], // Mar 8 02:30 does not exist
    });
  });

  it('shows half-hour offsets (Lord_Howe) and says when a schedule has ended', async () => {
    const { out } = await run('0 0 12 1 1 ? 2027', '--time-zone', 'Australia/Lord_Howe', '--count', '3');
    expect(out).toBe('2027-01-01T01:00:00.000Z  2027-01-01 12:00:00 +11:00 Australia/Lord_Howe\n');
    expect((await run('0 0 12 1 1 ? 2020', '--time-zone', 'UTC')).out).toBe('(no fire times: the schedule has ended)\n');
  });

  it.each([
    [['0 3 * * *'], 'has 5 fields; Quartz cron needs 6 or 7'],
    [['0 0 12 * * MON', '--time-zone', 'UTC'], 'Support for specifying both a day-of-week AND a day-of-month parameter'],
    [['0 0 2 * * ?', '--time-zone', 'Nowhere/Land'], "Unknown time zone 'Nowhere/Land'"],
    [['0 0 2 * * ?', '--count', 'many'], 'count must be a whole number from 1 to 10000'],
    [['0 0 2 * * ?', '--after', 'tomorrow'], "after 'tomorrow' is not an ISO-8601 date-time"],
  ])('bad input %j prints the error to stderr and sets exit code 2', async (args, message) => {
    const { out, err, exitCode } = await run(...args);
    expect(out).toBe('');
    expect(err).toContain(message);
    expect(exitCode).toBe(2);
  });
  it('--dialect unix previews a 5-field crontab expression (0 = Sunday); an unknown dialect is a usage error', async () => {
    const { out } = await run('0 6 * * 0', '--dialect', 'unix', '--time-zone', 'UTC', '--after', '2026-12-01T00:00:00Z', '--count', '2', '--json');
    expect(JSON.parse(out)).toEqual({ expression: '0 6 * * 0', dialect: 'unix', timeZone: 'UTC', fireTimes: ['2026-12-06T06:00:00.000Z', '2026-12-13T06:00:00.000Z'] });
    expect((await run('0 6 * * 0', '--dialect', 'crontab')).exitCode).toBe(2);
  });
});
