/**
 * Issue 15: ≥ 100,000 generated requests (test/api/support/fuzz-input.ts: malformed bodies, wrong types, huge and
 * non-finite numbers, odd strings, bad path parameters and query values) over every route of the OpenAPI document of
 * a real `freshet serve` on a port, with real ids among the path parameters. Prints the answers by status class, the
 * count of 5xx (goal 0) with the first few, and the rate beside a bare GET /healthz loop on the same connections.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { type FuzzRequest, type Method, requestOf } from '../test/api/support/fuzz-input.ts';

const TOTAL = Number(process.env.BENCH_FUZZ_REQUESTS ?? 100_000);
const CONCURRENCY = 16;
const SEED = Number(process.env.BENCH_FUZZ_SEED ?? Date.now() % 2 ** 31);
const PORT = 22_000 + Math.floor(Math.random() * 2_000);
let stopping = false;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

interface Answer {
  status: number;
  body: string;
}

/** Sent as generated: node:http writes the path verbatim, where fetch would resolve `..` and reject `%zz`. */
function send(r: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = r.body.payload === undefined ? {} : { 'content-type': r.body.type ?? 'application/json', 'content-length': String(Buffer.byteLength(r.body.payload)) };
    const req = request({ host: '127.0.0.1', port: PORT, method: r.method, path: r.url, headers, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body.payload);
  });
}

async function json<T>(method: Method, url: string, payload?: unknown): Promise<T> {
  const a = await send({ method, url, body: payload === undefined ? { payload: undefined, type: undefined } : { payload: JSON.stringify(payload), type: 'application/json' } });
  if (a.status >= 300) throw new Error(`${method} ${url}: ${a.status} ${a.body}`);
  return JSON.parse(a.body) as T;
}

async function serve(dir: string): Promise<ChildProcess> {
  const server = spawn(process.execPath, ['bin/freshet.js', 'serve', '--data-dir', dir, '--port', String(PORT), '--time-zone', 'Europe/Berlin'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FRESHET_LOG_LEVEL: 'error' } });
  let stderr = '';
  server.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)));
  server.once('exit', (code, signal) => !stopping && console.log(`freshet exited early (${code ?? signal}): ${stderr}`));
  for (let t0 = Date.now(); Date.now() - t0 < 60_000; await new Promise((r) => setTimeout(r, 50))) {
    try {
      if ((await send({ method: 'GET', url: '/healthz', body: { payload: undefined, type: undefined } })).status === 200) return server;
    } catch {
      // not listening yet
    }
  }
  throw new Error(`freshet did not answer /healthz within 60 s: ${stderr}`);
}

/** Runs `requests` over CONCURRENCY connections; returns the answers' statuses and the wall time. */
async function drive(next: () => FuzzRequest | undefined, onAnswer: (r: FuzzRequest, a: Answer) => void): Promise<number> {
  const t0 = performance.now();
  const worker = async () => {
    for (let r = next(); r !== undefined; r = next()) onAnswer(r, await send(r));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return performance.now() - t0;
}

const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-fuzz-'));
const server = await serve(dir);
try {
  const doc = await json<{ paths: Record<string, Record<string, unknown>> }>('GET', '/docs/json');
  // Every documented route but the SSE stream, whose valid requests never end (its bad input is tested in sse).
  const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m): [Method, string] => [m.toUpperCase() as Method, path])).filter(([, p]) => p !== '/v1/events/stream');
  await json('POST', '/v1/statements', { statement: "CREATE TABLE src AS SELECT '2026-03-01' AS ds, 1 AS v" });
  await json('POST', '/v1/statements', { statement: "CREATE MATERIALIZED TABLE daily PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' DAY AS SELECT ds, sum(v) AS v FROM src GROUP BY ds" });
  const table = await json<{ workflow: { workflowId: string } | null }>('GET', '/v1/materialized-tables/daily');
  const refresh = await json<{ operationHandle: string }>('POST', '/v1/materialized-tables/daily/refresh', {});
  const session = await json<{ sessionHandle: string }>('POST', '/v1/sessions', {});
  const real = [table.workflow?.workflowId ?? 'daily', 'daily', encodeURIComponent('`freshet`.`default`.`daily`'), refresh.operationHandle, session.sessionHandle, '0'];

  // The baseline: a trivial route, the same client and connections.
  let healthLeft = 10_000;
  const healthMs = await drive(() => (healthLeft-- > 0 ? { method: 'GET', url: '/healthz', body: { payload: undefined, type: undefined } } : undefined), () => undefined);

  const arbitrary = requestOf(routes, real);
  const byClass = new Map<string, number>();
  const failures: string[] = [];
  const routesHit = new Set<string>();
  let batch: FuzzRequest[] = [];
  let made = 0;
  let seed = SEED;
  const next = () => {
    if (made >= TOTAL) return undefined;
    if (batch.length === 0) batch = fc.sample(arbitrary, { numRuns: Math.min(2_000, TOTAL - made), seed: seed++ });
    made++;
    return batch.pop();
  };
  const fuzzMs = await drive(next, (r, a) => {
    const k = `${Math.floor(a.status / 100)}xx`;
    byClass.set(k, (byClass.get(k) ?? 0) + 1);
    routesHit.add(r.method + r.url.split('?')[0]!.split('/')[1]);
    if (a.status >= 500 && failures.length < 20) failures.push(`${a.status} ${r.method} ${r.url.slice(0, 200)} ${String(r.body.payload).slice(0, 200)} → ${a.body.slice(0, 300)}`);
  });
  const fiveXX = byClass.get('5xx') ?? 0;
  console.log(`${made.toLocaleString('en-US')} generated requests over ${routes.length} routes (seed ${SEED}, ${CONCURRENCY} connections): ${[...byClass].sort().map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`).join(', ')}`);
  console.log(`  5xx answers: ${fiveXX} (goal 0)`);
  for (const f of failures) console.log(`    ${f}`);
  console.log(`  rate ${Math.round(made / (fuzzMs / 1000)).toLocaleString('en-US')} req/s beside GET /healthz ${Math.round(10_000 / (healthMs / 1000)).toLocaleString('en-US')} req/s on the same connections`);
  if (fiveXX > 0) process.exitCode = 1;
} finally {
  stopping = true;
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });
}
