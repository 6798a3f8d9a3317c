/**
 * The remote executor against a second freshet (B, its own process, on loopback) serving Flink's SQL Gateway API.
 * (a) One fire through the executor — Flink's embedded-scheduler job (open session, refresh, fetch the job id,
 *     close operation, close session) plus what freshet adds: the allow-list, retries, and the answer recorded in
 *     A's event log (memory and durable SQLite) — beside the same five REST calls made by a bare fetch client, in
 *     the same run, iterations interleaved. Goal: overhead ≤ 2 ms median.
 * (b) 1,000 workflows due at the same second, each refreshing its own table through A's engine: the time from
 *     the due second until the last submission was recorded (goal ≤ 2 s), none lost (every fire has the gateway's
 *     handle in A's log; at B every job was followed to its end), beside a bare client submitting the same 1,000
 *     refreshes at once. Once against a protocol double of a Flink gateway that answers at once (A's own cost),
 *     once against B (a freshet that runs each refresh in DuckDB).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemClock } from '../src/clock/index.ts';
import type { RefreshRequest } from '../src/engine/index.ts';
import { createMemoryEventStore, createSqliteEventStore, type EventStore } from '../src/events/index.ts';
import { GatewayAllowList, RemoteExecutor } from '../src/flink-gateway-client/index.ts';
import { openFreshet } from '../src/runtime/index.ts';
import { CreatePeriodicRefreshWorkflow } from '../src/workflow-scheduler/index.ts';
import { startFlinkDouble } from '../test/flink-gateway-client/support/flink-double.ts';

const WARMUP = 10;
const ITERATIONS = 100;
const WORKFLOWS = 1_000;

interface Gateway {
  url: string;
  child: ChildProcess;
  dir: string;
}

async function startGateway(): Promise<Gateway> {
  const dir = await mkdtemp(join(tmpdir(), 'freshet-bench-b-'));
  const child = spawn(process.execPath, ['bin/freshet.js', 'serve', '--port', '0', '--data-dir', dir, '--store', 'memory', '--time-zone', 'UTC', '--log-format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = err.match(/freshet listening on (http:\/\/\S+) /);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`gateway B exited ${code}: ${err}`)));
  });
  return { url, child, dir };
}

const json = async (base: string, method: string, path: string, body?: object): Promise<Record<string, unknown>> => {
  const res = await fetch(new URL(path, base), { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  const parsed = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
};

const table = (name: string) => `\`freshet\`.\`default\`.\`${name}\``;
const request = (name: string, i: number, gateway: string): RefreshRequest => ({
  workflowId: `bench-${name}`, workflowName: name, workflowGroup: 'default_group', tableIdentifier: table(name),
  scheduleTime: Date.UTC(2026, 0, 2) + i * 1000, scheduleTimeText: '2026-01-02 00:00:00', timeZone: 'UTC',
  dynamicOptions: {}, executionConfig: {}, initConfig: {}, restEndpointUrl: gateway, manual: false,
});

/** The embedded scheduler job's five calls, by a bare client: the baseline. Returns B's operation handle. */
async function directRefresh(base: string, name: string): Promise<string> {
  const session = String((await json(base, 'POST', '/v3/sessions', { sessionName: `${table(name)}-quartz-refresh-session-2026-01-02 00:00:00`, properties: {} })).sessionHandle);
  const op = String((await json(base, 'POST', `/v3/sessions/${session}/materialized-tables/${encodeURIComponent(table(name))}/refresh`, { isPeriodic: true, scheduleTime: '2026-01-02 00:00:00', staticPartitions: {}, dynamicOptions: {}, executionConfig: {} })).operationHandle);
  let uri: string | undefined = `/v3/sessions/${session}/operations/${op}/result/0?rowFormat=JSON`;
  while (uri) {
    const page = (await json(base, 'GET', uri)) as { resultType: string; nextResultUri?: string; results?: { data: unknown[] } };
    if (page.resultType !== 'NOT_READY' && (page.results?.data.length ?? 0) > 0) break;
    uri = page.nextResultUri;
  }
  await json(base, 'DELETE', `/v3/sessions/${session}/operations/${op}/close`);
  await json(base, 'DELETE', `/v3/sessions/${session}`);
  return op;
}

/** Waits (outside any timing) until B's refresh ended, so the next iteration starts on an idle B. */
async function settledAtB(base: string, handle: string): Promise<void> {
  for (;;) {
    const status = String((await json(base, 'GET', `/v1/operations/${handle}`)).status);
    if (!['INITIALIZED', 'PENDING', 'RUNNING'].includes(status)) return;
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function overhead(kind: 'memory' | 'sqlite', b: Gateway): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'freshet-bench-a-'));
  const store: EventStore = kind === 'memory' ? createMemoryEventStore() : createSqliteEventStore({ path: join(dir, 'events.db') });
  const executor = new RemoteExecutor({ store, clock: systemClock, gateways: new GatewayAllowList({ allowed: [b.url] }) });
  const trigger = executor.trigger({ fire: () => Promise.reject(new Error('not local')) });
  try {
    const through: number[] = [];
    const direct: number[] = [];
    const paired: number[] = [];
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      let t = performance.now();
      const r = await trigger.fire(request('t', i, b.url));
      const x = performance.now() - t;
      await settledAtB(b.url, String(r?.operationHandle));
      await executor.whenFollowed();
      t = performance.now();
      const op = await directRefresh(b.url, 't');
      const y = performance.now() - t;
      await settledAtB(b.url, op);
      if (i >= WARMUP) {
        through.push(x);
        direct.push(y);
        paired.push(x - y);
      }
    }
    const [xm, ym] = [pct(through, 50), pct(direct, 50)];
    return {
      [`${kind}_executor_median_ms`]: xm,
      [`${kind}_executor_p95_ms`]: pct(through, 95),
      [`${kind}_direct_client_median_ms`]: ym,
      [`${kind}_direct_client_p95_ms`]: pct(direct, 95),
      [`${kind}_median_overhead_ms`]: xm - ym,
      // Neighbouring iterations share the machine's load: their difference is steadier than two medians'.
      [`${kind}_median_paired_overhead_ms`]: pct(paired, 50),
      [`${kind}_median_ratio`]: xm / ym,
    };
  } finally {
    await executor.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function manyDue(b: { url: string }, label: string): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'freshet-bench-a-'));
  const runtime = await openFreshet({ store: 'sqlite', dataDir: dir, timeZone: 'UTC', gateways: { allowed: [b.url] } });
  try {
    // Far enough ahead for the creations; a whole second, as a cron names it.
    const due = Math.ceil((Date.now() + 20_000) / 1000) * 1000;
    const d = new Date(due);
    const cron = `${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} ? ${d.getUTCFullYear()}`;
    await Promise.all(
      Array.from({ length: WORKFLOWS }, (_, i) => runtime.scheduler.createRefreshWorkflow(new CreatePeriodicRefreshWorkflow(table(`m${i}`), '', cron, {}, {}, b.url, { timeZone: 'UTC' }))),
    );
    if (Date.now() >= due - 1_000) throw new Error('creating the workflows took too long: raise the lead');
    await new Promise((r) => setTimeout(r, due - Date.now()));
    // Wait until every fire is recorded in A's log (its trigger returned: submitted, or failed with the reason).
    let fired: { data: { error?: string; operationHandle?: string } }[] = [];
    const deadline = due + 120_000;
    while (fired.length < WORKFLOWS && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      fired = (await runtime.store.readAll({ filter: { eventTypes: ['OccurrenceFired'] } })) as never;
    }
    const submitted = await runtime.store.readAll({ filter: { eventTypes: ['RemoteRefreshSubmitted'] } });
    const lastSubmitted = Math.max(...submitted.map((e) => (e.data as { submittedAt: number }).submittedAt));
    const firstSubmitted = Math.min(...submitted.map((e) => (e.data as { submittedAt: number }).submittedAt));
    // Every job followed to its end at B (B's own word that it ran them all); the double's jobs are not followed.
    const followed = submitted.some((e) => (e.data as { follow: { kind: string } }).follow.kind !== 'none');
    let ended = 0;
    while (followed && ended < WORKFLOWS && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      ended = (await runtime.store.readAll({ filter: { eventTypes: ['RemoteJobEnded'] } })).filter((e) => (e.data as { state: string }).state === 'succeeded').length;
    }
    const handles = new Set(submitted.map((e) => (e.data as { operationHandle: string }).operationHandle));

    // Baseline: a bare client submits the same 1,000 refreshes at once.
    const t = performance.now();
    const direct = await Promise.all(Array.from({ length: WORKFLOWS }, (_, i) => directRefresh(b.url, `m${i}`)));
    const directMs = performance.now() - t;
    if (followed) await Promise.all(direct.map((h) => settledAtB(b.url, h)));
    const figures: Record<string, number> = {
      workflows: WORKFLOWS,
      fires_recorded: fired.length,
      fires_failed: fired.filter((e) => e.data.error !== undefined).length,
      distinct_handles_in_a_log: handles.size,
      lost: WORKFLOWS - handles.size,
      first_submitted_after_due_ms: firstSubmitted - due,
      all_submitted_within_ms: lastSubmitted - due,
      direct_client_all_submitted_ms: directMs,
      submit_ratio: (lastSubmitted - due) / directMs,
      ...(followed ? { jobs_followed_to_succeeded: ended } : {}),
    };
    return Object.fromEntries(Object.entries(figures).map(([k, v]) => [`${label}_${k}`, v]));
  } finally {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runRemoteBench(): Promise<Record<string, number>> {
  const b = await startGateway();
  try {
    await json(b.url, 'POST', '/v1/statements', { statement: "CREATE TABLE src AS SELECT '2026-01-01' AS ds, 1 AS v" });
    await json(b.url, 'POST', '/v1/statements', { statement: "CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '1' DAY AS SELECT ds, v FROM src" });
    for (let i = 0; i < WORKFLOWS; i++) await json(b.url, 'POST', '/v1/statements', { statement: `CREATE MATERIALIZED TABLE m${i} FRESHNESS = INTERVAL '1' DAY AS SELECT ds, v + ${i} AS v FROM src` });
    // The same burst against a protocol double of a Flink gateway that answers at once (not a Flink): what A's own
    // part costs, apart from how fast the gateway runs refreshes.
    const double = await startFlinkDouble();
    let burst: Record<string, number>;
    try {
      burst = { ...(await manyDue(double, 'double')), ...(await manyDue(b, 'freshet_b')) };
    } finally {
      await double.close();
    }
    const figures = { ...(await overhead('memory', b)), ...(await overhead('sqlite', b)), ...burst };
    return Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  } finally {
    b.child.kill('SIGTERM');
    await new Promise((r) => b.child.once('exit', r));
    await rm(b.dir, { recursive: true, force: true });
  }
}

function pct(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const figures = await runRemoteBench();
  for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(34)} ${value}`);
  console.log(`${'bench_seconds'.padEnd(34)} ${Math.round((performance.now() - started) / 100) / 10}`);
}
