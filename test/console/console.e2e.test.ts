/**
 * The console in a real headless Chromium over a real freshet (SQLite log, DuckDB warehouse, system clock): what
 * an operator sees and does, checked against the REST API. Nothing sleeps: every wait is on a locator or a response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { type ConsoleServer, getJson, launch, openConsoleServer, screenshot, statement } from './support/browser.ts';

const MT = '`freshet`.`default`.`daily`';
const SOURCE = "CREATE TABLE src AS SELECT * FROM (VALUES ('2026-03-01', 1), ('2026-03-01', 2), ('2026-03-02', 5)) t(ds, v)";
const CREATE = "CREATE MATERIALIZED TABLE daily PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' DAY AS SELECT ds, sum(v) AS total FROM src GROUP BY ds";
const WAIT = { timeout: 10_000 };

interface Table { status: string; suspendReason: string | null; suspendedBy: string | null; workflow: { workflowId: string; nextExecutionTime: string | null } }

describe('the console in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const outside: string[] = [];
  const row = () => page.getByRole('table', { name: 'Workflows' }).locator('tbody tr', { hasText: MT });

  beforeAll(async () => {
    [server, browser] = await Promise.all([openConsoleServer(), launch()]);
    // The viewer is in New York and the workflow in UTC: times show in the viewer's zone, the workflow's on hover.
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, timezoneId: 'America/New_York' });
    // Every request any page of the console makes, for the same-origin test at the end.
    page.on('request', (r) => {
      if (new URL(r.url()).origin !== server.url && !r.url().startsWith('data:')) outside.push(r.url());
    });
    await statement(server.url, SOURCE);
    await statement(server.url, CREATE);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a table created over REST in the overview, with its next fire', async () => {
    const table = await getJson<Table>(server.url, `/v1/materialized-tables/${encodeURIComponent(MT)}`);
    await page.goto(server.url);
    await row().waitFor(WAIT);
    const headers = await page.getByRole('table', { name: 'Workflows' }).getByRole('columnheader').allTextContents();
    expect(headers).toEqual(['Table', 'Status', 'Reason', 'Schedule', 'Zone', 'Freshness / lag', 'Next fire', 'Last outcome', 'Failures']);
    const next = row().locator(`time[datetime="${table.workflow.nextExecutionTime}"]`);
    await expect.poll(() => next.count(), WAIT).toBe(1);
    expect(await next.textContent()).toMatch(/EST|EDT/);
    expect(await next.getAttribute('title')).toContain('(UTC)');
    expect(await row().textContent()).toContain('ACTIVATED');
    await screenshot(page, 'overview');
  });

  it('a refresh arrives live, without a reload', async () => {
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await page.getByRole('status').filter({ hasText: 'live' }).waitFor(WAIT);
    const res = await fetch(`${server.url}/v1/materialized-tables/daily/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(202);
    await row().getByText('FINISHED').waitFor(WAIT);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  it('suspends from the table page with a reason, and the REST API reports it', async () => {
    await row().getByRole('link').click();
    await page.getByRole('heading', { name: MT }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Suspend' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason').fill('upstream maintenance window');
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await page.locator('#status-line').getByText('upstream maintenance window').waitFor(WAIT);
    const table = await getJson<Table>(server.url, `/v1/materialized-tables/${encodeURIComponent(MT)}`);
    expect(table).toMatchObject({ status: 'SUSPENDED', suspendReason: 'upstream maintenance window', suspendedBy: 'anonymous' });
    await screenshot(page, 'table-suspended');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Resume' }).click();
    await page.locator('#status-line').getByText('ACTIVATED').waitFor(WAIT);
  });

  it('a broken source shows as a failure in the ledger, with the error', async () => {
    await statement(server.url, 'DROP TABLE src');
    const table = await getJson<Table>(server.url, `/v1/materialized-tables/${encodeURIComponent(MT)}`);
    const res = await fetch(`${server.url}/v1/workflows/${table.workflow.workflowId}/trigger`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"after the drop"}' });
    expect(res.status).toBe(202);
    const ledger = page.getByRole('table', { name: 'Ledger' });
    await ledger.locator('.error', { hasText: /src/ }).first().waitFor(WAIT);
    await page.getByRole('table', { name: 'Operations' }).getByText('ERROR').first().waitFor(WAIT);
    await screenshot(page, 'table-failed');
  });

  it('changes the schedule with a preview of the next times, recorded with the reason', async () => {
    await page.getByRole('button', { name: 'Change schedule' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Cron expression (Quartz)').fill('0 30 6 * * ? *');
    await dialog.getByLabel('Time zone').fill('Europe/Berlin');
    const preview = dialog.getByRole('status', { name: 'Preview of next fire times' });
    await expect.poll(async () => (await preview.locator('time').first().getAttribute('title')) ?? '', WAIT).toContain('06:30:00');
    expect(await preview.locator('li').count()).toBe(10);
    await dialog.getByLabel('Reason').fill('reports are read at breakfast');
    await dialog.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByRole('table', { name: 'Audit history' }).getByText('reports are read at breakfast').waitFor(WAIT);
    const table = await getJson<Table & { workflow: { cronExpression: string; timeZone: string } }>(server.url, `/v1/materialized-tables/${encodeURIComponent(MT)}`);
    expect(table.workflow).toMatchObject({ cronExpression: '0 30 6 * * ? *', timeZone: 'Europe/Berlin' });
  });

  it('shows the API’s own words when a command is refused', async () => {
    await page.getByRole('button', { name: 'Change schedule' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Time zone').fill('Mars/Olympus');
    await dialog.getByRole('button', { name: 'Save schedule' }).click();
    await dialog.getByRole('alert').getByText(/Mars\/Olympus/).waitFor(WAIT);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...WAIT });
  });

  // It failed in the full suite because any refetch (the search's, or one an event caused) redraws the row (its lag
  // ticks), and the redraw dropped the focused link: Enter then landed on nothing. The overview now hands the focus
  // to the redrawn row; here an event redraws it between Tab and Enter on purpose.
  it('is usable by keyboard alone on a narrow window', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${server.url}/#/`);
    await row().waitFor(WAIT); // the first page is in: a search typed now is not overtaken by it
    await page.getByLabel('Search tables').focus();
    await page.keyboard.type('dail');
    await page.waitForURL(/#\/\?q=dail$/, WAIT); // the search applied (the summary alone cannot say: one table)
    await page.getByText('1–1 of 1 tables').waitFor(WAIT);
    await page.keyboard.press('Tab'); // the status filter
    await page.keyboard.press('Tab'); // the table's link
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(MT);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'overview-narrow');
    const before = await row().elementHandle();
    const res = await fetch(`${server.url}/v1/materialized-tables/daily/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(202);
    await expect.poll(async () => (await row().elementHandle())?.evaluate((tr, old) => tr !== old, before), WAIT).toBe(true); // redrawn
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(MT); // the focus moved with it
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: MT }).waitFor(WAIT);
    await screenshot(page, 'table-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('backfills three days from the table page: the dry run lists three partitions, confirmed they are refreshed', async () => {
    await statement(server.url, SOURCE); // the source dropped above is back
    await page.goto(`${server.url}/#/table/${encodeURIComponent(MT)}`);
    await page.getByRole('heading', { name: MT }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Backfill' }).click();
    const dialog = page.getByRole('dialog');
    // The schedule is 06:30 Europe/Berlin (set above): three nominal times in these three days, in the viewer's zone.
    await dialog.getByLabel('From').fill('2026-03-01T00:00:00');
    await dialog.getByLabel('To').fill('2026-03-04T00:00:00');
    await dialog.getByLabel('Reprocess').selectOption('all');
    await dialog.getByRole('button', { name: 'Backfill' }).click();
    const plan = dialog.getByRole('list', { name: 'Backfill plan' });
    await plan.waitFor(WAIT);
    const planned = (await plan.getByRole('listitem').allTextContents()).map((t) => t.split(' — ')[0]);
    expect(planned).toHaveLength(3);
    expect(await dialog.getByText('3 partition(s) would be refreshed:').count()).toBe(1);
    await screenshot(page, 'backfill-plan');
    expect((await getJson<{ backfills: unknown[] }>(server.url, '/v1/backfills')).backfills).toHaveLength(0); // nothing ran yet
    await dialog.getByRole('button', { name: 'Confirm backfill' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    // Each planned partition's refresh shows FINISHED in the operations, live.
    const ops = page.getByRole('table', { name: 'Operations' });
    for (const partition of planned) await ops.locator('tr', { hasText: partition! }).filter({ hasText: 'FINISHED' }).first().waitFor(WAIT);
    type Listed = { backfills: { partitions: number; done: number; status: string; requestedBy: string }[] };
    const listed = () => getJson<Listed>(server.url, `/v1/backfills?table=${encodeURIComponent(MT)}`);
    await expect.poll(async () => (await listed()).backfills[0]?.status, WAIT).toBe('succeeded');
    expect((await listed()).backfills).toMatchObject([{ partitions: 3, done: 3, requestedBy: 'anonymous' }]);
    await screenshot(page, 'backfill-done');
  });

  it('the pages make no request outside the server’s origin', async () => {
    await page.goto(`${server.url}/#/`);
    await row().waitFor(WAIT);
    expect(outside).toEqual([]);
  });
});
