/**
 * Issue 14: changing the schedule previews the next times and warns on the ones a daylight-saving change touches.
 * The console in a real Chromium over a real freshet whose clock is set to absolute instants (the preview starts
 * from the server's now), so the change days are in the preview whatever today is. Before, the console warned on
 * every fire within 12 hours of an offset change (noon on a change day) and said nothing of the 02:30 the
 * spring-forward gap skips (the fires around it are a day away from the change).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { type ConsoleServer, launch, openConsoleServer, statement } from './support/browser.ts';

const MT = '`freshet`.`default`.`daily`';
const WAIT = { timeout: 10_000 };

describe('schedule change preview around daylight-saving changes, in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([openConsoleServer({ realClock: false }), launch()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Berlin' });
    await statement(server.url, "CREATE TABLE src AS SELECT '2026-03-01' AS ds, 1 AS v");
    await statement(server.url, "CREATE MATERIALIZED TABLE daily FRESHNESS = INTERVAL '1' DAY AS SELECT ds, sum(v) AS total FROM src GROUP BY ds");
    await page.goto(server.url);
    await page.getByRole('table', { name: 'Workflows' }).locator('tbody tr', { hasText: MT }).getByRole('link').click();
    await page.getByRole('heading', { name: MT }).waitFor(WAIT);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens the dialog at the server instant `now`, types the schedule, and returns the preview once it shows it. */
  async function previewAt(now: string, cron: string, firstFire: string) {
    server.clock.t = Date.parse(now);
    await page.getByRole('button', { name: 'Change schedule' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Cron expression (Quartz)').fill(cron);
    await dialog.getByLabel('Time zone').fill('Europe/Berlin');
    const preview = dialog.getByRole('status', { name: 'Preview of next fire times' });
    await expect.poll(() => preview.locator('li time').first().getAttribute('datetime'), WAIT).toBe(firstFire);
    return { dialog, preview, items: () => preview.locator('li').allTextContents() };
  }

  async function close(dialog: ReturnType<Page['getByRole']>) {
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...WAIT });
  }

  it('02:30 daily over the spring-forward change: the skipped 29 March 02:30 is listed, in its place, as not happening', async () => {
    const { dialog, preview, items } = await previewAt('2026-03-25T12:00:00Z', '0 30 2 * * ?', '2026-03-26T01:30:00.000Z');
    expect(await preview.locator('li time').count()).toBe(10);
    const notes = await preview.getByRole('note').allTextContents();
    expect(notes).toEqual(['⚠ 2026-03-29 02:30 does not exist in Europe/Berlin (clocks go forward): no fire at this time']);
    const list = await items();
    // After the fires of 26–28 March (CET), before that of 30 March (CEST).
    expect(list[3]).toBe(notes[0]);
    expect(list[2]).toContain('28');
    expect(await preview.locator('li').nth(4).locator('time').getAttribute('datetime')).toBe('2026-03-30T00:30:00.000Z');
    await close(dialog);
  });

  it('02:30 daily over the fall-back change: the fire of 25 October carries the warning, and no other', async () => {
    const { dialog, preview } = await previewAt('2026-10-22T12:00:00Z', '0 30 2 * * ?', '2026-10-23T00:30:00.000Z');
    expect(await preview.locator('li time').count()).toBe(10);
    const warned = preview.locator('li', { has: page.getByRole('note') });
    expect(await warned.count()).toBe(1);
    expect(await warned.locator('time').getAttribute('datetime')).toBe('2026-10-25T01:30:00.000Z');
    expect(await warned.getByRole('note').textContent()).toContain('2026-10-25 02:30 happens twice in Europe/Berlin (clocks go back)');
    await close(dialog);
  });

  it('noon daily over the same changes: ten times, no warning', async () => {
    for (const [now, first] of [['2026-03-25T12:00:00Z', '2026-03-26T11:00:00.000Z'], ['2026-10-22T12:00:00Z', '2026-10-23T10:00:00.000Z']] as const) {
      const { dialog, preview } = await previewAt(now, '0 0 12 * * ?', first);
      expect(await preview.locator('li time').count()).toBe(10);
      expect(await preview.getByRole('note').count()).toBe(0);
      expect(await preview.locator('.warn').count()).toBe(0);
      await close(dialog);
    }
  });
});
