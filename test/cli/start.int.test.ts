/**
 * Issue 11: `freshet --version` and `freshet tables` answer in ≤ 150 ms of process time (bench/cli-start.ts measures
 * it). What made them slow, checked here in the process a user runs: the server's modules, luxon, the cron dialects
 * and the SSE parser loaded by every command, and fetch (undici), whose load alone cost a client command ~80 ms.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, listeningApi } from './support/cli.ts';

let api: Awaited<ReturnType<typeof listeningApi>>;
const dir = mkdtempSync(join(tmpdir(), 'freshet-cli-start-'));

beforeAll(async () => {
  api = await listeningApi({ withTables: true });
  await api.app.inject({ method: 'POST', url: '/v1/statements', payload: { statement: 'CREATE TABLE src (v INTEGER)' } });
  const created = await api.app.inject({ method: 'POST', url: '/v1/statements', payload: { statement: "CREATE MATERIALIZED TABLE hourly FRESHNESS = INTERVAL '1' HOUR AS SELECT * FROM src" } });
  expect(created.statusCode, created.body).toBe(200);
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The packages a CLI run resolved, and its result. */
async function loadedBy(name: string, args: string[]): Promise<{ packages: Set<string>; code: number; out: string; err: string }> {
  const file = join(dir, `${name}.txt`);
  writeFileSync(file, '');
  const r = await cliProcess(args, { FRESHET_URL: api.url, FRESHET_TEST_LOADED: file, NODE_OPTIONS: `--import ${join(import.meta.dirname, 'support/loaded-modules.mjs')}` });
  const urls = readFileSync(file, 'utf8').split('\n');
  const packages = new Set(urls.flatMap((u) => /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));
  for (const u of urls) if (/\/(src|dist)\/cron\//.test(u)) packages.add('(freshet cron)');
  return { ...r, packages };
}

const SERVER_SIDE = ['fastify', '@duckdb/node-api', 'better-sqlite3', 'xstate', 'rxjs', 'pg', '@eventstore/db-client', 'prom-client'];

describe('CLI start', () => {
  it('--version loads commander and nothing of the server, luxon, the cron dialects or the SSE parser', async () => {
    const r = await loadedBy('version', ['--version']);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.packages).toContain('commander');
    for (const heavy of [...SERVER_SIDE, 'luxon', 'eventsource-parser', '(freshet cron)']) expect(r.packages, heavy).not.toContain(heavy);
  });

  it('tables lists the tables over node:http (fetch is never called) without loading the server side', async () => {
    const r = await loadedBy('tables', ['tables']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/`hourly` +ACTIVATED +1 HOUR/);
    for (const heavy of SERVER_SIDE) expect(r.packages, heavy).not.toContain(heavy);
  });
});
