import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { buildServer } from '../src/api/index.ts';
import { compressedSize, loadAssets } from '../src/console/index.ts';
import { openFreshet } from '../src/runtime/index.ts';

/**
 * The console in Debian's headless Chromium over a real freshet (SQLite log, DuckDB warehouse): first contentful
 * paint and the first rows drawn, on an empty server and then with 10,000 tables, in the same run; the time from a
 * command to its row changing on the open page (the event's trip through the log, the SSE stream and the page's
 * refetch), p50/p99 over 100 events; and what the console's files weigh gzipped.
 */
const TABLES = Number(process.env.BENCH_CONSOLE_TABLES ?? 10_000);
const EVENTS = 100;
const RUNS = 3;

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? Number.NaN;

/** FCP and the "overview-rendered" mark of a fresh load, each in ms from navigation start (median of RUNS). */
async function paint(page: Page, url: string): Promise<{ fcp: number; rows: number }> {
  const fcps: number[] = [];
  const rows: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto(`${url}/?run=${i}`);
    await page.waitForFunction(() => performance.getEntriesByName('overview-rendered').length > 0 && performance.getEntriesByName('first-contentful-paint').length > 0, undefined, { timeout: 30_000 });
    const m = await page.evaluate(() => ({ fcp: performance.getEntriesByName('first-contentful-paint')[0]!.startTime, rows: performance.getEntriesByName('overview-rendered')[0]!.startTime }));
    fcps.push(m.fcp);
    rows.push(m.rows);
  }
  return { fcp: percentile(fcps, 50), rows: percentile(rows, 50) };
}

const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-console-'));
const runtime = await openFreshet({ dataDir: dir, timeZone: 'UTC' });
const app = buildServer({ ...runtime, timeZone: 'UTC' });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const empty = await paint(page, url);

  const t0 = performance.now();
  await runtime.tables.executeStatement('CREATE TABLE src AS SELECT 1 AS v');
  for (let i = 0; i < TABLES; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, TABLES - i) }, (_, k) => runtime.tables.executeStatement(`CREATE MATERIALIZED TABLE t${String(i + k).padStart(5, '0')} FRESHNESS = INTERVAL '1' DAY AS SELECT v FROM src`)));
  }
  console.log(`(${TABLES} tables created in ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  const full = await paint(page, url);
  console.log(`overview, empty server:      first contentful paint ${empty.fcp.toFixed(0)} ms, rows drawn ${empty.rows.toFixed(0)} ms`);
  console.log(`overview, ${TABLES} tables: first contentful paint ${full.fcp.toFixed(0)} ms, first page of rows drawn ${full.rows.toFixed(0)} ms (median of ${RUNS} loads; bound 1,000 ms)`);

  // Command → row changed on the page: suspend and resume the first table of the page in turn.
  await page.getByRole('status').filter({ hasText: 'live' }).waitFor();
  const first = '`freshet`.`default`.`t00000`';
  const latencies: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const want = i % 2 === 0 ? 'SUSPENDED' : 'ACTIVATED';
    // Watched by a MutationObserver in the page (rAF polling stalls in a headless page that paints nothing else).
    // Watched by a MutationObserver in the page (rAF polling stalls in a headless page that paints nothing else);
    // given as source text, so the bundler's helpers (its __name) do not leak into the page.
    const seenAt = page.evaluate(`new Promise((resolve, reject) => {
      const seen = () => document.querySelector('tr[data-table="' + CSS.escape(${JSON.stringify(first)}) + '"]')?.textContent?.includes(${JSON.stringify(want)});
      if (seen()) return resolve(Date.now());
      const observer = new MutationObserver(() => { if (seen()) { observer.disconnect(); resolve(Date.now()); } });
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      setTimeout(() => { observer.disconnect(); reject(new Error('row never showed ${want}')); }, 10000);
    })`) as Promise<number>;
    await page.evaluate(() => undefined); // the observer above is armed before the command is sent
    const started = Date.now();
    const res = await fetch(`${url}/v1/materialized-tables/t00000/${i % 2 === 0 ? 'suspend' : 'resume'}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    if (!res.ok) throw new Error(`command ${i}: ${res.status} ${await res.text()}`);
    latencies.push((await seenAt) - started);
  }
  console.log(`command → row changed on the open page: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${Math.max(...latencies)} ms over ${EVENTS} events (bound p99 1,000 ms)`);
  const assets = loadAssets(join(import.meta.dirname, '..', 'src', 'console', 'assets'));
  console.log(`console assets: ${assets.size} files, ${(compressedSize(assets) / 1024).toFixed(1)} KB gzipped (bound 200 KB)`);
} finally {
  await browser.close();
  await app.close();
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
}
