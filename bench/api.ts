import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildServer } from '../src/api/index.ts';
import { openFreshet } from '../src/runtime/index.ts';
import { CreatePeriodicRefreshWorkflow } from '../src/workflow-scheduler/index.ts';

/**
 * The HTTP edge over real sockets on 127.0.0.1 with keep-alive connections: GET /v1/workflows/:id beside a bare
 * fastify route answering the same JSON (no hooks, no schemas) in the same run, and durable commands — suspend /
 * resume pairs, each appended and fsync'd to SQLite (durable mode) and visible in the read model before the reply.
 * Beside the commands, the same pairs called in process (no HTTP) show what the layers below the API allow.
 */
const CONCURRENCY = 32;
/** Durable commands are group-committed: throughput grows with the commands in flight, latency with the batch. */
const COMMAND_CONCURRENCY = Number(process.env.BENCH_COMMAND_CONCURRENCY ?? 128);
const READ_MS = 6_000;
const COMMAND_MS = 8_000;
const WORKFLOWS = Math.max(CONCURRENCY, COMMAND_CONCURRENCY);

interface Load {
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

interface Phase {
  ms: number;
  base: string;
  kind: 'get-api' | 'get-bare' | 'commands';
  ids: string[];
  concurrency?: number;
}

/**
 * The load generator, in a worker thread (its own core) so the server's thread only serves: plain JS evaluated by
 * the worker, `CONCURRENCY` loops each sending its next request when the previous one answers, for `ms`.
 */
const LOAD_WORKER = `
const { request, Agent } = require('node:http');
const { parentPort, workerData: p } = require('node:worker_threads');
const agent = new Agent({ keepAlive: true, maxSockets: p.concurrency });
const call = (method, path) => new Promise((resolve, reject) => {
  const headers = method === 'POST' ? { 'content-type': 'application/json', 'content-length': 2 } : {};
  const req = request(p.base + path, { method, agent, headers }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
  req.on('error', reject);
  req.end(method === 'POST' ? '{}' : undefined);
});
const next = (w, i) => {
  const id = p.ids[w % p.ids.length];
  if (p.kind === 'get-api') return call('GET', '/v1/workflows/' + id);
  if (p.kind === 'get-bare') return call('GET', '/bare/' + id);
  return call('POST', '/v1/workflows/' + id + '/' + (i % 2 === 0 ? 'suspend' : 'resume'));
};
(async () => {
  const latencies = [];
  let errors = 0;
  const start = performance.now();
  const end = start + p.ms;
  await Promise.all(Array.from({ length: p.concurrency }, async (_, w) => {
    for (let i = 0; performance.now() < end; i++) {
      const t = performance.now();
      const status = await next(w, i);
      latencies.push(performance.now() - t);
      if (status >= 400) errors++;
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] || 0;
  agent.destroy();
  parentPort.postMessage({ perSec: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99), errors });
})();
`;

function phase(p: Phase): Promise<Load> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, { eval: true, workerData: { ...p, concurrency: p.concurrency ?? CONCURRENCY } });
    worker.once('message', (load: Load) => resolve(load));
    worker.once('error', reject);
  });
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

export async function runApiBench(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-api-'));
  const runtime = await openFreshet({ store: 'sqlite', dataDir: dir, timeZone: 'UTC' });
  const app = buildServer({ ...runtime, timeZone: runtime.config.timeZone });
  const bare = Fastify();
  try {
    const base = await listen(app);
    for (let i = 0; i < WORKFLOWS; i++) {
      await runtime.scheduler.createRefreshWorkflow(new CreatePeriodicRefreshWorkflow(`\`bench\`.\`db\`.\`t${i}\``, '', '0 0 0 1 1 ? 2099'));
    }
    const ids = runtime.scheduler.queries.list({ limit: WORKFLOWS }).items.map((w) => w.workflowId);
    const sample = runtime.scheduler.queries.get(ids[0] ?? '');
    bare.get('/bare/:id', async () => sample);
    const bareBase = await listen(bare);

    // Warm both (JIT, connections), then alternate so both see the same background load.
    await phase({ ms: 1000, base, kind: 'get-api', ids });
    await phase({ ms: 1000, base: bareBase, kind: 'get-bare', ids });
    const api: Load[] = [];
    const raw: Load[] = [];
    for (let round = 0; round < 2; round++) {
      raw.push(await phase({ ms: READ_MS / 2, base: bareBase, kind: 'get-bare', ids }));
      api.push(await phase({ ms: READ_MS / 2, base, kind: 'get-api', ids }));
    }
    const mean = (xs: Load[]) => xs.reduce((s, x) => s + x.perSec, 0) / xs.length;
    const apiRead = mean(api);
    const bareRead = mean(raw);

    // Each connection alternates suspend and resume on its own workflow (no conflicts between connections).
    const commands = await phase({ ms: COMMAND_MS, base, kind: 'commands', ids, concurrency: COMMAND_CONCURRENCY });
    const direct = await inProcessCommands(runtime.scheduler, ids, COMMAND_MS / 2);
    return {
      getWorkflowPerSec: Math.round(apiRead),
      bareRoutePerSec: Math.round(bareRead),
      getVsBare: apiRead / bareRead,
      getWorkflowP99Ms: Math.max(...api.map((x) => x.p99Ms)),
      bareRouteP99Ms: Math.max(...raw.map((x) => x.p99Ms)),
      commandConcurrency: COMMAND_CONCURRENCY,
      durableCommandsPerSec: Math.round(commands.perSec),
      durableCommandP50Ms: commands.p50Ms,
      durableCommandP99Ms: commands.p99Ms,
      inProcessCommandsPerSec: Math.round(direct),
      httpVsInProcessCommands: commands.perSec / direct,
      errors: api.reduce((s, x) => s + x.errors, 0) + commands.errors,
    };
  } finally {
    await bare.close();
    await app.close();
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Scheduler = Awaited<ReturnType<typeof openFreshet>>['scheduler'];

/** The same suspend/resume pairs without HTTP: the scheduler's own ceiling (append, fsync, read-your-writes). */
async function inProcessCommands(scheduler: Scheduler, ids: string[], ms: number): Promise<number> {
  // Leave every workflow ACTIVE first (the HTTP phase may have stopped between a suspend and its resume).
  for (const id of ids) if (scheduler.queries.get(id).status === 'SUSPENDED') await scheduler.resumeWorkflow(id, undefined);
  let done = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    ids.map(async (id) => {
      for (let i = 0; performance.now() < end; i++) {
        if (i % 2 === 0) await scheduler.suspendWorkflow(id);
        else await scheduler.resumeWorkflow(id, undefined);
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const f = await runApiBench();
  const n = (v: number | undefined) => Math.round(v ?? 0).toLocaleString('en-US');
  console.log(`127.0.0.1, ${CONCURRENCY} concurrent keep-alive connections from a worker thread, SQLite store in durable mode (fsync per commit)`);
  console.log(`GET /v1/workflows/:id: ${n(f.getWorkflowPerSec)} req/s (p99 ${f.getWorkflowP99Ms?.toFixed(1)} ms)`);
  console.log(`bare fastify route:    ${n(f.bareRoutePerSec)} req/s (p99 ${f.bareRouteP99Ms?.toFixed(1)} ms)  → API is ${((f.getVsBare ?? 0) * 100).toFixed(0)}% of bare (goal ≥ 60%)`);
  console.log(`durable commands over HTTP (suspend/resume pairs, ${f.commandConcurrency} in flight): ${n(f.durableCommandsPerSec)}/s, p50 ${f.durableCommandP50Ms?.toFixed(1)} ms, p99 ${f.durableCommandP99Ms?.toFixed(1)} ms (goal ≥ 5,000/s)`);
  console.log(`same commands in process (no HTTP):                ${n(f.inProcessCommandsPerSec)}/s  → HTTP keeps ${((f.httpVsInProcessCommands ?? 0) * 100).toFixed(0)}%`);
  console.log(`errors: ${f.errors}`);
}
