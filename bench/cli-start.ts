/**
 * Start cost of the CLI as a user runs it (`node bin/freshet.js …`, the package's bin): the process CPU time (user +
 * system, read by the process itself at exit) of `freshet --version` and of `freshet tables` against a running
 * freshet, beside `node -e 0` in the same run. Runs interleave so a busy moment of the machine falls on all three;
 * medians of RUNS each. The goal is ≤ 150 ms for both verbs.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const GOAL_MS = 150;
const PORT = 20_000 + Math.floor(Math.random() * 2_000);
const URL = `http://127.0.0.1:${PORT}`;
const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-cli-'));
const usageFile = join(dir, 'rusage.json');
const PRELOAD = ['--require', join(import.meta.dirname, 'support/rusage.cjs')];

/** CPU ms of one process, and whether it printed what it should. */
function cpuOf(args: string[], expect: RegExp): number {
  const env = { ...process.env, FRESHET_BENCH_RUSAGE: usageFile, FRESHET_URL: URL };
  const run = spawnSync(process.execPath, [...PRELOAD, ...args], { env, encoding: 'utf8' });
  if (run.status !== 0 || !expect.test(run.stdout)) throw new Error(`${args.join(' ')}: exit ${run.status}\n${run.stdout}\n${run.stderr}`);
  const u = JSON.parse(readFileSync(usageFile, 'utf8')) as { userCPUTime: number; systemCPUTime: number };
  return (u.userCPUTime + u.systemCPUTime) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function serve(): Promise<ChildProcess> {
  const server = spawn(process.execPath, ['bin/freshet.js', 'serve', '--data-dir', join(dir, 'data'), '--port', String(PORT), '--time-zone', 'UTC'], {
    stdio: 'ignore',
    env: { ...process.env, FRESHET_LOG_LEVEL: 'error' },
  });
  for (let t0 = Date.now(); Date.now() - t0 < 60_000; await new Promise((r) => setTimeout(r, 50))) {
    try {
      if ((await fetch(`${URL}/healthz`)).ok) return server;
    } catch {
      // not listening yet
    }
  }
  throw new Error('freshet serve did not answer /healthz within 60 s');
}

const server = await serve();
try {
  // Two tables, so `tables` renders rows and not "(none)".
  for (const statement of ['CREATE TABLE src (v INTEGER)', "CREATE MATERIALIZED TABLE t1 FRESHNESS = INTERVAL '1' HOUR AS SELECT * FROM src", "CREATE MATERIALIZED TABLE t2 FRESHNESS = INTERVAL '1' DAY AS SELECT * FROM src"]) {
    const r = await fetch(`${URL}/v1/statements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ statement }) });
    if (!r.ok) throw new Error(`${statement}: ${r.status} ${await r.text()}`);
  }
  spawnSync(process.execPath, ['bin/build.js']);
  const node: number[] = [];
  const version: number[] = [];
  const tables: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const n = cpuOf(['-e', '0'], /^$/);
    const v = cpuOf(['bin/freshet.js', '--version'], /^\d+\.\d+\.\d+/);
    const t = cpuOf(['bin/freshet.js', 'tables'], /t2/);
    // The first two warm the page cache and are not counted.
    if (i >= 2) node.push(n), version.push(v), tables.push(t);
  }
  const base = median(node);
  const line = (what: string, ms: number) => `  ${what.padEnd(26)} ${ms.toFixed(0).padStart(4)} ms CPU (${(ms / base).toFixed(2)}× node -e 0, ${ms <= GOAL_MS ? 'within' : 'OVER'} the ${GOAL_MS} ms goal)`;
  console.log(`process CPU time (user + system), median of ${RUNS}:`);
  console.log(`  ${'node -e 0'.padEnd(26)} ${base.toFixed(0).padStart(4)} ms CPU (baseline)`);
  console.log(line('freshet --version', median(version)));
  console.log(line('freshet tables (2 tables)', median(tables)));
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
