import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type ApiHarness, type ApiHarnessOptions, openApi } from '../../api/support/api-harness.ts';

/** Debian's Chromium (apt `chromium`; .ci/run installs it): Playwright's own browser download cannot work here. */
export const CHROMIUM = '/usr/bin/chromium';
export const ARTEFACTS = join(import.meta.dirname, '..', '..', '..', '.artefacts', 'console');

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

export interface ConsoleServer extends ApiHarness {
  url: string;
}

/** A real freshet (SQLite log, DuckDB warehouse, system clock) listening on a free loopback port. */
export async function openConsoleServer(options: ApiHarnessOptions = {}): Promise<ConsoleServer> {
  const h = await openApi({ withTables: true, realClock: true, store: 'sqlite', sse: { heartbeatMs: 1000 }, ...options });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  return { ...h, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTEFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });
}

/** A statement over REST, as a client would send it (its errors thrown with the API's words). */
export async function statement(base: string, sql: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(`${base}/v1/statements`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ statement: sql, reason: 'console test' }) });
  const body = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${sql}: ${JSON.stringify(body)}`);
  return body;
}

export async function getJson<T>(base: string, path: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
