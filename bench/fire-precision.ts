/**
 * Fire precision: N active workflows with per-second crons, all due at the same instants, on the SQLite store in
 * durable mode. Lateness = moment the RefreshTrigger is invoked − nominal time; a fire is invoked only after its
 * claim is durably committed. Beside it, croner with the same N jobs in the same run (nothing durable).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Cron } from 'croner';
import { createSqliteEventStore } from '../src/events/index.ts';
import { workflowIdOf } from '../src/machines/index.ts';
import { WorkflowEngine } from '../src/scheduling/index.ts';

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PrecisionFigures {
  workflows: number;
  seconds: number;
  fires: number;
  missed: number;
  doubled: number;
  p50: number;
  p99: number;
  max: number;
  cpuPercent: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summarize(workflows: number, from: number, to: number, seen: Map<string, Map<number, number>>, lateness: number[], cpu: NodeJS.CpuUsage, wallMs: number): PrecisionFigures {
  let missed = 0;
  let doubled = 0;
  let fires = 0;
  for (const perTime of seen.values()) {
    for (let t = from; t <= to; t += 1000) {
      const n = perTime.get(t) ?? 0;
      if (n === 0) missed++;
      if (n > 1) doubled += n - 1;
    }
    for (const n of perTime.values()) fires += n;
  }
  missed += (workflows - seen.size) * ((to - from) / 1000 + 1);
  const sorted = lateness.sort((a, b) => a - b);
  return {
    workflows,
    seconds: (to - from) / 1000 + 1,
    fires,
    missed,
    doubled,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
  };
}

export async function freshetPrecision(workflows: number, durationMs: number): Promise<PrecisionFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-fire-'));
  const store = createSqliteEventStore({ path: join(dir, 'events.sqlite'), durability: 'durable', checkIntegrity: false });
  const seen = new Map<string, Map<number, number>>();
  const lateness: number[] = [];
  let measuring = false;
  let window = { from: Infinity, to: -Infinity };
  const engine = new WorkflowEngine({
    store,
    trigger: {
      fire: async (r) => {
        if (!measuring) return;
        const perTime = seen.get(r.workflowId) ?? new Map<number, number>();
        perTime.set(r.scheduleTime, (perTime.get(r.scheduleTime) ?? 0) + 1);
        seen.set(r.workflowId, perTime);
      },
    },
    onFire: (f) => {
      if (measuring && f.nominalTime >= window.from && f.nominalTime <= window.to) lateness.push(f.invokedAt - f.nominalTime);
    },
  });
  await engine.start();
  const creates: Promise<unknown>[] = [];
  for (let i = 0; i < workflows; i++) {
    const name = `quartz_job_bench_${i}`;
    const id = workflowIdOf('default_group', name);
    const def = { workflowId: id, workflowName: name, workflowGroup: 'default_group', tableIdentifier: `bench_${i}`, cronExpression: '* * * * * ? *', timeZone: 'UTC', misfirePolicy: 'fire-all' as const, catchUpWindowMs: 60_000, initConfig: {}, executionConfig: {}, dynamicOptions: {} };
    creates.push(engine.execute(id, `default_group.${name}`, (at) => ({ type: 'CreateWorkflow', now: at, def }), { actor: 'bench' }));
  }
  await Promise.all(creates);
  await sleep(3000); // let the first fires of the creation burst settle before measuring
  const start = Math.ceil(Date.now() / 1000) * 1000 + 1000;
  window = { from: start, to: start + durationMs - 1000 };
  measuring = true;
  const cpu0 = process.cpuUsage();
  const wall0 = now();
  await sleep(window.to - Date.now() + 1500);
  const cpu = process.cpuUsage(cpu0);
  const wall = now() - wall0;
  measuring = false;
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  for (const perTime of seen.values()) for (const t of perTime.keys()) if (t < window.from || t > window.to) perTime.delete(t);
  return summarize(workflows, window.from, window.to, seen, lateness, cpu, wall);
}

export async function cronerPrecision(jobs: number, durationMs: number): Promise<PrecisionFigures> {
  const seen = new Map<string, Map<number, number>>();
  const lateness: number[] = [];
  const start = Math.ceil(Date.now() / 1000) * 1000 + 2000;
  const window = { from: start, to: start + durationMs - 1000 };
  const last = new Map<string, number>();
  const list: Cron[] = [];
  for (let i = 0; i < jobs; i++) {
    const key = `job-${i}`;
    list.push(
      new Cron('* * * * * *', () => {
        const at = now();
        let nominal = Math.floor(at / 1000) * 1000;
        const prev = last.get(key);
        if (prev !== undefined && nominal <= prev) nominal = prev + 1000; // later than a second: credit the next one
        last.set(key, nominal);
        if (nominal < window.from || nominal > window.to) return;
        lateness.push(at - nominal);
        const perTime = seen.get(key) ?? new Map<number, number>();
        perTime.set(nominal, (perTime.get(nominal) ?? 0) + 1);
        seen.set(key, perTime);
      }),
    );
  }
  const cpu0 = process.cpuUsage();
  const wall0 = now();
  await sleep(window.to - Date.now() + 1500);
  const cpu = process.cpuUsage(cpu0);
  const wall = now() - wall0;
  for (const job of list) job.stop();
  return summarize(jobs, window.from, window.to, seen, lateness, cpu, wall);
}

export async function runFirePrecisionBench(seconds = 30): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const n of [1_000, 10_000]) {
    const f = await freshetPrecision(n, seconds * 1000);
    const c = await cronerPrecision(n, seconds * 1000);
    for (const [k, v] of Object.entries(f)) out[`freshet${n}_${k}`] = v;
    for (const [k, v] of Object.entries(c)) out[`croner${n}_${k}`] = v;
  }
  return out;
}

export function printPrecision(label: string, f: PrecisionFigures): void {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(`${label.padEnd(34)} fires ${f.fires.toLocaleString('en-US').padStart(9)}  missed ${String(f.missed).padStart(6)}  doubled ${String(f.doubled).padStart(4)}  p50 ${ms(f.p50).padStart(9)}  p99 ${ms(f.p99).padStart(9)}  max ${ms(f.max).padStart(9)}  CPU ${f.cpuPercent.toFixed(0)}%`);
}

/**
 * The engine keeps thousands of commands in flight for a few milliseconds each; with V8's default 16 MB semi-space
 * they survive a scavenge, get promoted and are collected by full GCs. A 64 MB young generation (the flag the
 * server process should run with too) lets them die young, so the bench runs itself under it.
 */
const YOUNG_GENERATION_FLAG = '--max-semi-space-size=64';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && !process.execArgv.includes(YOUNG_GENERATION_FLAG)) {
  const run = spawnSync(process.execPath, [YOUNG_GENERATION_FLAG, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 30);
  for (const n of (process.env.BENCH_WORKFLOWS ?? '1000,10000').split(',').map(Number)) {
    printPrecision(`freshet, ${n} workflows, SQLite durable`, await freshetPrecision(n, seconds * 1000));
    printPrecision(`croner, ${n} jobs (not durable)`, await cronerPrecision(n, seconds * 1000));
  }
}
