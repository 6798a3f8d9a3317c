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
import { PerformanceObserver } from 'node:perf_hooks';
import { Cron } from 'croner';
import { createSqliteEventStore } from '../src/events/index.ts';
import { workflowIdOf } from '../src/workflows/index.ts';
import { WorkflowEngine } from '../src/engine/index.ts';

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

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Every fire, recorded without allocating into typed arrays sized up front, and cut to the measured window only
 * when summarized: the bench's own bookkeeping must not add garbage-collection pauses, and it takes the same code
 * path from the first fire on (a branch first taken when the window opened was compiled during, and slowed, the
 * first measured second).
 */
class FireLog {
  from = Infinity;
  to = -Infinity;
  private readonly job: Int32Array;
  private readonly nominal: Float64Array;
  private readonly lateness: Float64Array;
  private n = 0;

  /** Room for `seconds` of fires of every job: the whole run, settling included. */
  constructor(
    private readonly jobs: number,
    seconds: number,
  ) {
    this.job = new Int32Array(jobs * seconds);
    this.nominal = new Float64Array(jobs * seconds);
    this.lateness = new Float64Array(jobs * seconds);
  }

  window(from: number, to: number): void {
    this.from = from;
    this.to = to;
  }

  record(job: number, nominalTime: number, late: number): void {
    if (this.n === this.job.length) return;
    this.job[this.n] = job;
    this.nominal[this.n] = nominalTime;
    this.lateness[this.n++] = late;
  }

  summarize(cpu: NodeJS.CpuUsage, wallMs: number): PrecisionFigures {
    const seconds = (this.to - this.from) / 1000 + 1;
    const counts = new Uint8Array(this.jobs * seconds);
    const measured: number[] = [];
    for (let i = 0; i < this.n; i++) {
      const t = this.nominal[i]!;
      if (t < this.from || t > this.to) continue;
      counts[this.job[i]! * seconds + (t - this.from) / 1000]! += 1;
      measured.push(this.lateness[i]!);
    }
    let missed = 0;
    let doubled = 0;
    let fires = 0;
    for (const n of counts) {
      fires += n;
      if (n === 0) missed++;
      if (n > 1) doubled += n - 1;
    }
    if (process.env.BENCH_TRACE) traceSeconds(this.nominal.subarray(0, this.n), this.lateness.subarray(0, this.n), this.from, this.to);
    const sorted = Float64Array.from(measured).sort();
    return {
      workflows: this.jobs,
      seconds,
      fires,
      missed,
      doubled,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? NaN,
      cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    };
  }
}

export async function freshetPrecision(workflows: number, durationMs: number): Promise<PrecisionFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-fire-'));
  const store = createSqliteEventStore({ path: join(dir, 'events.sqlite'), durability: 'durable', checkIntegrity: false });
  const log = new FireLog(workflows, durationMs / 1000 + 30);
  const index = new Map<string, number>();
  const engine = new WorkflowEngine({
    store,
    trigger: { fire: async () => undefined },
  });
  engine.lifecycle.subscribe((e) => {
    if (e.type === 'fired') log.record(index.get(e.workflowId)!, e.nominalTime, e.invokedAt - e.nominalTime);
  });
  await engine.start();
  const creates: Promise<unknown>[] = [];
  for (let i = 0; i < workflows; i++) {
    const name = `quartz_job_bench_${i}`;
    const id = workflowIdOf('default_group', name);
    index.set(id, i);
    const def = { workflowId: id, workflowName: name, workflowGroup: 'default_group', tableIdentifier: `bench_${i}`, cronExpression: '* * * * * ? *', timeZone: 'UTC', misfirePolicy: 'fire-all' as const, catchUpWindowMs: 60_000, initConfig: {}, executionConfig: {}, dynamicOptions: {} };
    creates.push(engine.execute(id, `default_group.${name}`, (at) => ({ type: 'CreateWorkflow', now: at, def }), { actor: 'bench' }));
  }
  await Promise.all(creates);
  // Steady state is measured: after 10,000 workflows are created at once the engine takes up to ~8 s to settle (the
  // claim lead adapts to the first passes, the first fires are late and catch up).
  await sleep(10_000);
  const start = Math.ceil(Date.now() / 1000) * 1000 + 1000;
  log.window(start, start + durationMs - 1000);
  const cpu0 = process.cpuUsage();
  const wall0 = now();
  await sleep(log.to - Date.now() + 1500);
  const cpu = process.cpuUsage(cpu0);
  const wall = now() - wall0;
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return log.summarize(cpu, wall);
}

/** BENCH_TRACE=1: each second's first and last invocation, to tell a late wake from a slow or interrupted loop. */
function traceSeconds(nominal: Float64Array, lateness: Float64Array, from: number, to: number): void {
  const perSecond = new Map<number, { first: number; last: number; n: number }>();
  for (let i = 0; i < nominal.length; i++) {
    if (nominal[i]! < from || nominal[i]! > to) continue;
    const s = perSecond.get(nominal[i]!) ?? { first: Infinity, last: -Infinity, n: 0 };
    s.first = Math.min(s.first, lateness[i]!);
    s.last = Math.max(s.last, lateness[i]!);
    s.n++;
    perSecond.set(nominal[i]!, s);
  }
  for (const [t, s] of perSecond) {
    const pauses = gcPauses.filter((g) => g.at > t - 1000 && g.at < t + s.last).map((g) => `${g.kind} GC ${g.ms.toFixed(1)} ms at ${(g.at - t).toFixed(0)}`);
    console.log(`  ${new Date(t).toISOString().slice(11, 19)}  fires ${s.n}  first ${s.first.toFixed(1)} ms  last ${s.last.toFixed(1)} ms  ${pauses.join(', ')}`);
  }
}

const gcPauses: { at: number; ms: number; kind: string }[] = [];
if (process.env.BENCH_TRACE) {
  const kinds: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak' };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.duration > 1) gcPauses.push({ at: performance.timeOrigin + e.startTime, ms: e.duration, kind: kinds[(e as unknown as { detail: { kind: number } }).detail.kind] ?? '?' });
  }).observe({ entryTypes: ['gc'] });
}

export async function cronerPrecision(jobs: number, durationMs: number): Promise<PrecisionFigures> {
  const log = new FireLog(jobs, durationMs / 1000 + 10);
  const start = Math.ceil(Date.now() / 1000) * 1000 + 2000;
  log.window(start, start + durationMs - 1000);
  const last = new Float64Array(jobs).fill(-Infinity);
  const list: Cron[] = [];
  for (let i = 0; i < jobs; i++) {
    list.push(
      new Cron('* * * * * *', () => {
        const at = now();
        let nominal = Math.floor(at / 1000) * 1000;
        if (nominal <= last[i]!) nominal = last[i]! + 1000; // later than a second: credit the next one
        last[i] = nominal;
        log.record(i, nominal, at - nominal);
      }),
    );
  }
  const cpu0 = process.cpuUsage();
  const wall0 = now();
  await sleep(log.to - Date.now() + 1500);
  const cpu = process.cpuUsage(cpu0);
  const wall = now() - wall0;
  for (const job of list) job.stop();
  return log.summarize(cpu, wall);
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
 * Every active workflow renews its state, claim and timers each second, and thousands of appends are in flight
 * while the writer thread commits them: with V8's default 16 MB semi-space all of it survives scavenges, is
 * promoted and collected in long pauses. A 128 MB young generation (the flag `npm start` runs the server with)
 * lets most of it die young — at 10,000 workflows p99 fell from ~45 ms at 64 MB to ~20 ms, and CPU from ~85% to
 * ~65% (256 MB was no better) — so the bench runs itself under it.
 */
const YOUNG_GENERATION_FLAG = '--max-semi-space-size=128';

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
