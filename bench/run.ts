/**
 * `npm run bench`: every benchmark in its own process (so one's heap and timers cannot skew another's), in turn.
 * Each prints its figures beside a baseline measured in the same run. `npm run bench -- cron replay` runs some.
 */
import { spawnSync } from 'node:child_process';

const BENCHES: { name: string; file: string; gc?: boolean; what: string }[] = [
  { name: 'cron', file: 'bench/cron.ts', what: 'next fire time: freshet vs cron-parser and croner' },
  { name: 'appends', file: 'bench/appends.ts', what: 'durable appends through the port vs raw better-sqlite3' },
  { name: 'pg-appends', file: 'bench/pg-appends.ts', what: 'durable appends through the PostgreSQL adapter vs raw batched INSERTs' },
  { name: 'replay', file: 'bench/replay.ts', what: 'rebuild WorkflowInfo from 1,000,000 events vs a raw scan' },
  { name: 'memory', file: 'bench/memory.ts', gc: true, what: 'heap per idle active workflow at 100,000' },
  { name: 'fire-precision', file: 'bench/fire-precision.ts', what: 'fire lateness at 1,000 and 10,000 workflows vs croner' },
  { name: 'refresh-overhead', file: 'bench/refresh-overhead.ts', what: 'warehouse refresh vs the same statements on DuckDB' },
  { name: 'refresh', file: 'bench/refresh.ts', what: 'scheduled refresh vs direct INSERT; 1,000 tables due at once' },
  { name: 'cold-start', file: 'bench/cold-start.ts', what: 'openFreshet with 10,000 workflows on a log of 1,000,000 events vs on their creations alone' },
  { name: 'restart', file: 'bench/restart.ts', what: 'SIGKILL with 10,000 per-second workflows, restart: health, first on-time fire, settled claims' },
  { name: 'answers', file: 'bench/answers.ts', what: 'ledger and history pages and explain at 1,000,000 occurrences vs a raw read; backfill plan vs cron enumeration' },
  { name: 'operations', file: 'bench/operations.ts', what: 'operations pages of a table with 1,000,000 refreshes vs GET of the table; folding them once, then a start from the checkpoint' },
  { name: 'reads', file: 'bench/reads.ts', what: 'GET /v1/workflows?limit=50 at 100,000 workflows vs GET /v1/workflows/:id' },
  { name: 'api', file: 'bench/api.ts', what: 'GET /v1/workflows/:id vs a bare fastify route; durable commands/s' },
  { name: 'remote', file: 'bench/remote.ts', what: 'a fire through the remote executor (A → B over loopback) vs the same REST calls by a bare client; 1,000 workflows due at one second' },
  { name: 'cli-start', file: 'bench/cli-start.ts', what: 'process CPU of `freshet --version` and `freshet tables` vs node -e 0' },
  { name: 'fuzz', file: 'bench/fuzz.ts', what: '100,000 generated requests over every OpenAPI route of a real server: answers by status class, 5xx (goal 0), rate vs GET /healthz' },
  { name: 'log-growth', file: 'bench/log-growth.ts', what: 'log bytes on disk over 30 virtual days of per-minute refreshes, 7-day retention archived daily vs no retention; archive pass time and event-loop stall' },
  { name: 'console', file: 'bench/console.ts', what: 'console in Chromium: paint with 10,000 tables vs empty; command → page p99; asset weight' },
];

const wanted = process.argv.slice(2);
let failed = 0;
for (const b of BENCHES.filter((x) => wanted.length === 0 || wanted.includes(x.name))) {
  console.log(`\n=== ${b.name}: ${b.what}`);
  const args = [...(b.gc ? ['--expose-gc'] : []), '--import', 'tsx', b.file];
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.log(`(${b.name} failed with exit code ${run.status})`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
