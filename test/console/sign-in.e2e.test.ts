/** With FRESHET_TOKEN set, the console signs in once and then lives on its cookie, the event stream included. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { type ConsoleServer, launch, openConsoleServer, screenshot, statement } from './support/browser.ts';

const TOKEN = 'b1e4c7a09d3f52e8a6c1f0d9e7b3a542';
const BEARER = { authorization: `Bearer ${TOKEN}` };
const WAIT = { timeout: 10_000 };

describe('signing in to the console (Chromium)', () => {
  let server: ConsoleServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([openConsoleServer({ token: TOKEN }), launch()]);
    await statement(server.url, "CREATE TABLE src AS SELECT 1 AS v", BEARER);
    await statement(server.url, "CREATE MATERIALIZED TABLE guarded FRESHNESS = INTERVAL '1' HOUR AS SELECT sum(v) AS total FROM src", BEARER);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('exchanges the token for an HttpOnly, SameSite=Strict cookie, and the stream keeps working on it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    await page.getByLabel('Token').fill('wrong-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText("That token does not match the server's FRESHET_TOKEN.").waitFor(WAIT);
    await screenshot(page, 'sign-in');
    await page.getByLabel('Token').fill(TOKEN);
    await page.getByLabel('Token').press('Enter'); // keyboard only
    const row = page.getByRole('table', { name: 'Workflows' }).locator('tbody tr', { hasText: 'guarded' });
    await row.waitFor(WAIT);

    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'freshet_session', httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).toBe(''); // no script can read it

    await page.getByRole('status').filter({ hasText: 'live' }).waitFor(WAIT);
    const res = await fetch(`${server.url}/v1/materialized-tables/guarded/suspend`, { method: 'POST', headers: { ...BEARER, 'content-type': 'application/json' }, body: '{"reason":"seen live over the cookie"}' });
    expect(res.status).toBe(200);
    await row.getByText('seen live over the cookie').waitFor(WAIT);

    // A command sent without the console's header (as a cross-site form would) is refused even with the cookie.
    const forged = await page.evaluate(async () => (await fetch('/v1/materialized-tables/guarded/resume', { method: 'POST' })).status);
    expect(forged).toBe(403);
    await screenshot(page, 'overview-signed-in');
    await context.close();
  });
});
