/**
 * Defect 11 of issue 11: `cron next "0 0 3 31 2 ?"` said "the schedule has ended" though it never fires, `--count abc`
 * said `got NaN`, `serve --time-zone` and `cron next --tz` disagreed, no `--url`/`--token`, `--help` named no
 * environment variables. And `cron next --workflow <id>`: the next times of an existing workflow.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkflow } from '../api/support/api-harness.ts';
import { listeningApi } from './support/cli.ts';
import { cli } from './support/run.ts';

describe('freshet cron next', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-07T12:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('31 February never fires: said so, not "the schedule has ended"', async () => {
    const r = await cli('cron', 'next', '0 0 3 31 2 ?', '--time-zone', 'UTC');
    expect(r.out).toBe('(no fire times: this schedule never fires, e.g. a day the month does not have)\n');
  });

  it('--count abc says what to give, not NaN (exit 2)', async () => {
    const r = await cli('cron', 'next', '0 0 3 * * ?', '--count', 'abc');
    expect(r.code).toBe(2);
    expect(r.err).toContain("--count 'abc': count must be a whole number from 1 to 10000");
    expect(r.err).not.toContain('NaN');
  });

  it('one spelling of the zone option, as serve: --time-zone (--tz is unknown, exit 2)', async () => {
    const ok = await cli('cron', 'next', '0 0 3 * * ?', '--time-zone', 'Asia/Tokyo');
    expect(ok.out).toBe('2026-03-07T18:00:00.000Z  2026-03-08 03:00:00 +09:00 Asia/Tokyo\n');
    expect((await cli('cron', 'next', '0 0 3 * * ?', '--tz', 'Asia/Tokyo')).code).toBe(2);
  });

  it('--help names --url and --token with their environment variables', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--url <url>[\s\S]*env: FRESHET_URL/);
    expect(help.out).toMatch(/--token <token>[\s\S]*env: FRESHET_TOKEN/);
  });
});

describe('freshet cron next --workflow', () => {
  let api: Awaited<ReturnType<typeof listeningApi>>;
  beforeAll(async () => {
    api = await listeningApi();
  });
  afterAll(async () => api.close());

  it("previews an existing workflow's schedule in its zone, read through --url", async () => {
    const id = await createWorkflow(api.app, '`cat`.`db`.`orders`', '0 0/5 * * * ? *');
    const r = await cli('--url', api.url, 'cron', 'next', '--workflow', id, '--after', '2026-03-02T09:00:00Z', '--count', '2', '--json');
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual({ expression: '0 0/5 * * * ? *', dialect: 'quartz', timeZone: 'UTC', fireTimes: ['2026-03-02T09:05:00.000Z', '2026-03-02T09:10:00.000Z'] });
    expect((await cli('--url', api.url, 'cron', 'next', '0 * * * * ?', '--workflow', id)).code).toBe(2);
  });
});
