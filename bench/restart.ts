import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A SIGKILL at scale, through the real server: N per-second workflows created over REST (Flink's embedded-scheduler
 * create) for tables outside freshet's catalog — their fires fail fast and each suspends itself after five — plus
 * REAL_TABLES materialized tables refreshed in DuckDB every second (Flink DDL, FRESHNESS 1 SECOND); run for a
 * while, `kill -9`, start again.
 * Measured from the restart's spawn: /healthz answering, /readyz ready, the first fire on time (less than 1 s
 * late) after the restart, and — once the misfire threshold has passed — that no sampled nominal time of the
 * outage is left `claimed`. Beside it, in the same run: the same process answering /healthz on an empty data
 * directory (what any start costs here), and `node -e 0`.
 */
const N = Number(process.env.BENCH_RESTART_WORKFLOWS ?? 10_000);
const RUN_MS = 10_000;
/** Tables that really refresh every second: their fires are the on-time fires looked for after the restart. */
const REAL_TABLES = 20;
const PORT = 18_000 + Math.floor(Math.random() * 2_000);
const BASE = `http://127.0.0.1:${PORT}`;
const MISFIRE_MS = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function serve(dataDir: string): ChildProcess {
  return spawn(process.execPath, ['--max-semi-space-size=128', 'bin/freshet.js', 'serve', '--data-dir', dataDir, '--port', String(PORT), '--time-zone', 'UTC'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, FRESHET_LOG_LEVEL: 'error' },
  });
}

async function until(path: string, ok: (status: number) => boolean, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    try {
      const r = await fetch(BASE + path);
      await r.arrayBuffer();
      if (ok(r.status)) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`${path} did not answer within ${timeoutMs} ms`);
}

async function json<T>(path: string, body?: unknown): Promise<T> {
  const r = await fetch(BASE + path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

async function createAll(): Promise<void> {
  await json('/v1/statements', { statement: 'CREATE TABLE src (v INTEGER)' });
  for (let i = 0; i < REAL_TABLES; i++) await json('/v1/statements', { statement: `CREATE MATERIALIZED TABLE real_${i} FRESHNESS = INTERVAL '1' SECOND AS SELECT * FROM src` });
  let next = REAL_TABLES;
  const worker = async () => {
    while (next < N) {
      const i = next++;
      await json('/v3/workflow/embedded-scheduler/create', { materializedTableIdentifier: `\`freshet\`.\`default\`.\`missing_${i}\``, cronExpression: '* * * * * ?', initConfig: {}, executionConfig: {} });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

interface LogEvent {
  position: number;
  type: string;
  data: { nominalTime?: number; firedAt?: number };
}

/** Milliseconds from `spawnedAt` to the first OccurrenceFired less than 1 s late with a nominal time after the spawn. */
async function firstOnTimeFire(after: number, spawnedAt: number, timeoutMs: number): Promise<number> {
  let from = after;
  while (Date.now() - spawnedAt < timeoutMs) {
    const page = await json<{ events: LogEvent[]; nextFrom: number }>(`/v1/events?from=${from}&type=OccurrenceFired&limit=1000`);
    for (const e of page.events) {
      const { nominalTime = 0, firedAt = 0 } = e.data;
      if (nominalTime >= spawnedAt && firedAt - nominalTime < 1_000) return firedAt - spawnedAt;
    }
    from = page.nextFrom;
    await sleep(50);
  }
  throw new Error('no on-time fire');
}

async function emptyStart(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-empty-'));
  const p = serve(dir);
  try {
    return await until('/healthz', (s) => s === 200, 30_000);
  } finally {
    p.kill('SIGKILL');
    await new Promise((r) => p.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const nodeT0 = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  const nodeMs = performance.now() - nodeT0;
  const emptyMs = await emptyStart();

  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-restart-'));
  try {
    let server = serve(dir);
    await until('/healthz', (s) => s === 200, 60_000);
    const t0 = performance.now();
    await createAll();
    console.log(`${N.toLocaleString('en-US')} per-second workflows created over REST in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await sleep(RUN_MS);
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    const killedAt = Date.now();

    const spawnedAt = Date.now();
    const t1 = performance.now();
    server = serve(dir);
    let stderr = '';
    server.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    server.once('exit', (code) => code !== null && code !== 0 && console.log(`restarted server exited ${code}: ${stderr.slice(-2_000)}`));
    const healthMs = await until('/healthz', (s) => s === 200, 120_000);
    const readyMs = await until('/readyz', (s) => s === 200, 300_000);
    const headPosition = (await json<{ headPosition: number }>('/readyz')).headPosition;
    const fireMs = await firstOnTimeFire(Math.max(0, headPosition - 200_000), spawnedAt, 300_000);
    console.log(`restart after SIGKILL: /healthz ${(healthMs / 1000).toFixed(2)} s (goal ≤ 2 s), /readyz ${(readyMs / 1000).toFixed(2)} s, first on-time fire ${(fireMs / 1000).toFixed(2)} s (goal ≤ 10 s)`);
    console.log(`  baseline: the same server on an empty data directory answers /healthz in ${(emptyMs / 1000).toFixed(2)} s; node -e 0 takes ${(nodeMs / 1000).toFixed(2)} s`);
    console.log(`  → /healthz after the kill costs ${(healthMs / emptyMs).toFixed(2)}× an empty start`);

    // Every nominal time of the outage ends in an outcome once the dead engine's claims are stale.
    const waitMs = killedAt + MISFIRE_MS + 5_000 - Date.now();
    if (waitMs > 0) await sleep(waitMs);
    const sample = (await json<{ items: { workflowId: string }[] }>('/v1/workflows?limit=50')).items;
    const from = new Date(killedAt - 5_000).toISOString();
    const to = new Date(spawnedAt).toISOString();
    let open = 0;
    let settled = 0;
    for (const w of sample) {
      const { occurrences } = await json<{ occurrences: { outcome: string }[] }>(`/v1/workflows/${w.workflowId}/occurrences?from=${from}&to=${to}`);
      for (const o of occurrences) (o.outcome === 'claimed' ? open++ : settled++);
    }
    console.log(`outage times of ${sample.length} sampled workflows after the misfire threshold: ${settled} settled, ${open} left claimed (goal 0); restart took ${((performance.now() - t1) / 1000).toFixed(0)} s in all`);
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  } finally {
    if (process.env.BENCH_KEEP_DIR) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
