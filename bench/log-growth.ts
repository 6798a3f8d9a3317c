/**
 * Log growth under retention: 20 per-minute tables (BENCH_TABLES; the figure scales it to 1,000) refreshing with the
 * events and shapes freshet writes (steady-workload.ts), over 30 virtual days (BENCH_DAYS), into two SQLite logs in
 * the same run: one archived once a virtual day under a 7-day retention, one never (the baseline). Printed per day:
 * bytes on disk of each log (file + WAL) and of the archives, and the archive run's pass time and the longest
 * event-loop stall during it, beside the time the same process took to append that day's events.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveDir, archiveHistory, retentionOf } from '../src/archive/index.ts';
import { createSqliteEventStore } from '../src/events/index.ts';
import { SteadyWorkload, VirtualClock } from './support/steady-workload.ts';

const TABLES = Number(process.env.BENCH_TABLES ?? 20);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const RETENTION_DAYS = 7;
const SCALE = 1_000 / TABLES;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;

function onDisk(dir: string): { log: number; archive: number } {
  const size = (f: string) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };
  const path = join(dir, 'events.sqlite');
  const archives = archiveDir(dir);
  const archive = readdirSync(dir).includes('archive') ? readdirSync(archives).reduce((n, f) => n + size(join(archives, f)), 0) : 0;
  return { log: size(path) + size(`${path}-wal`), archive };
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

function open(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `freshet-bench-growth-${name}-`));
  const clock = new VirtualClock(T0);
  // Relaxed: fsync per commit would measure the disk, not the log's size; the writer thread as freshet runs it.
  const store = createSqliteEventStore({ path: join(dir, 'events.sqlite'), clock, durability: 'relaxed', checkIntegrity: false });
  return { dir, clock, store, workload: new SteadyWorkload(store, clock, TABLES) };
}

const kept = open('retention');
const baseline = open('baseline');
await kept.workload.create(T0);
await baseline.workload.create(T0);
const retention = retentionOf(`${RETENTION_DAYS}d`);
console.log(`${TABLES} per-minute tables (figures ×${SCALE} for 1,000), ${DAYS} virtual days, retention ${RETENTION_DAYS} d, archived daily`);
console.log('day | log, 7 d retention | log, no retention (baseline) | ratio | archives | events appended/day | append day | archive pass | max stall');
const rows: { day: number; kept: number; baseline: number }[] = [];
for (let day = 1; day <= DAYS; day++) {
  const t1 = performance.now();
  for (let m = 0; m < 1_440; m++) await kept.workload.tick(T0 + (day - 1) * DAY + (m + 1) * MINUTE);
  const appendMs = performance.now() - t1;
  for (let m = 0; m < 1_440; m++) await baseline.workload.tick(T0 + (day - 1) * DAY + (m + 1) * MINUTE);
  const now = T0 + day * DAY + MINUTE;
  kept.clock.t = now;
  // The longest gap between ticks of a 5 ms timer while the run goes: how long a fire due then would wait.
  let stallMs = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const at = performance.now();
    stallMs = Math.max(stallMs, at - last - 5);
    last = at;
  }, 5);
  const t2 = performance.now();
  const result = await archiveHistory({ store: kept.store, dataDir: kept.dir, clock: { now: () => now }, retention, logName: 'bench', context: { actor: 'bench', correlationId: `day-${day}` } });
  const passMs = performance.now() - t2;
  await new Promise((resolve) => setTimeout(resolve, 6));
  clearInterval(ticker);
  const a = onDisk(kept.dir);
  const b = onDisk(baseline.dir);
  rows.push({ day, kept: a.log, baseline: b.log });
  console.log(
    `${String(day).padStart(3)} | ${mb(a.log * SCALE).padStart(8)} MB | ${mb(b.log * SCALE).padStart(8)} MB | ${(a.log / b.log).toFixed(2)} | ${mb(a.archive * SCALE).padStart(7)} MB | ` +
      `${(TABLES * 1_440 * 5 * SCALE).toLocaleString()} | ${(appendMs / 1000).toFixed(1)} s | ${(passMs / 1000).toFixed(2)} s (${result.removed.toLocaleString()} removed; select ${(result.timings.selectMs / 1000).toFixed(2)} s, write ${(result.timings.writeMs / 1000).toFixed(2)} s, remove ${(result.timings.removeMs / 1000).toFixed(2)} s) | ${stallMs.toFixed(0)} ms`,
  );
}
const plateau = rows.filter((r) => r.day > RETENTION_DAYS + 1);
if (plateau.length > 1) {
  const first = plateau[0]!;
  const last = plateau[plateau.length - 1]!;
  console.log(
    `from day ${first.day} to day ${last.day}: log under retention ${mb(first.kept * SCALE)} → ${mb(last.kept * SCALE)} MB (×${(last.kept / first.kept).toFixed(2)}), ` +
      `baseline ${mb(first.baseline * SCALE)} → ${mb(last.baseline * SCALE)} MB (×${(last.baseline / first.baseline).toFixed(2)})`,
  );
}
await kept.store.close();
await baseline.store.close();
rmSync(kept.dir, { recursive: true, force: true });
rmSync(baseline.dir, { recursive: true, force: true });
