import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.ts';
import { remoteRefreshStreamName } from '../../src/flink-gateway-client/index.ts';
import { type FreshetRuntime, openFreshet } from '../../src/runtime/index.ts';
import { ManualClock } from '../api/support/api-harness.ts';

// Two real freshet processes' worth on loopback: A schedules, B is the gateway (Flink's REST API). A workflow created
// on A through Flink's endpoint with restEndpointUrl = B refreshes B's table; with B down A's fires fail, recorded.

const MT = '`freshet`.`default`.`daily`';
const CREATE_MT = "CREATE MATERIALIZED TABLE daily PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' DAY AS SELECT ds, sum(v) AS total FROM src GROUP BY ds";

interface Occurrence {
  nominalTime: string;
  outcome: string;
  error: string | null;
  operationHandle: string | null;
  rowsWritten: number | null;
  durationMs: number | null;
  partition: Record<string, string> | null;
  remote: { gateway: string; jobId: string; clusterInfo: Record<string, string>; jobState: string | null; followedVia: string | null } | null;
}

interface Node {
  dir: string;
  runtime: FreshetRuntime;
  server: RunningServer;
}

async function startNode(dir: string, port: number, extra: Parameters<typeof openFreshet>[0] = {}): Promise<Node> {
  const runtime = await openFreshet({ store: 'sqlite', dataDir: dir, timeZone: 'UTC', ...extra });
  const server = await startServer({ runtime, port, logger: false });
  return { dir, runtime, server };
}

const yieldTurn = () => new Promise<boolean>((resolve) => setImmediate(() => resolve(true)));

const call = async (base: string, method: string, path: string, body?: object) => {
  const res = await fetch(`${base}${path}`, { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

describe('fires that refresh a remote gateway (A → B over loopback)', () => {
  let a: Node;
  let b: Node;
  let bPort: number;
  const clock = new ManualClock(Date.UTC(2026, 2, 3, 0, 0, 0));
  const remote: { jobId: string; gateway: string }[] = [];

  beforeAll(async () => {
    b = await startNode(await mkdtemp(join(tmpdir(), 'freshet-b-')), 0);
    bPort = Number(new URL(b.server.url).port);
    await call(b.server.url, 'POST', '/v1/statements', { statement: "CREATE TABLE src AS SELECT * FROM (VALUES ('2026-03-01', 1), ('2026-03-02', 5)) t(ds, v)" });
    expect((await call(b.server.url, 'POST', '/v1/statements', { statement: CREATE_MT })).status).toBe(200);
    a = await startNode(await mkdtemp(join(tmpdir(), 'freshet-a-')), 0, {
      clock,
      gateways: { allowed: [b.server.url] },
      // The job's own retries, without waiting: time is the test's.
      // Following B's job: each wait is a turn of the event loop, on the test's time (the clock does not move).
      remote: { attempts: 2, baseDelayMs: 0, sleep: async () => undefined, waitUntil: yieldTurn, onRemoteRefresh: (r) => remote.push(r) },
    });
  });
  afterAll(async () => {
    await a?.server.close();
    await b?.server.close();
    await rm(a.dir, { recursive: true, force: true });
    await rm(b.dir, { recursive: true, force: true });
  });

  const occurrences = async (id: string) => (await call(a.server.url, 'GET', `/v1/workflows/${id}/occurrences`)).json.occurrences as Occurrence[];
  /** Waits until A's ledger says the fire at `nominalTime` ended (A followed B's job and recorded its end). */
  async function settled(id: string, nominalTime: string): Promise<Occurrence> {
    for (;;) {
      const mine = (await occurrences(id)).find((o) => o.nominalTime === nominalTime && ['succeeded', 'failed', 'cancelled'].includes(o.outcome));
      if (mine) return mine;
      await yieldTurn();
    }
  }
  /** Triggers a fire on A and waits until A's ledger has its outcome. */
  async function fire(id: string): Promise<Occurrence> {
    // Each fire at its own instant: a second fire at the same nominal time is the same occurrence (exactly once).
    clock.advance(60_000);
    const at = new Date(clock.now()).toISOString();
    expect((await call(a.server.url, 'POST', `/v1/workflows/${id}/trigger`, {})).status).toBe(202);
    for (;;) {
      const mine = (await occurrences(id)).find((o) => o.nominalTime === at && (o.error !== null || o.operationHandle !== null));
      if (mine) return mine;
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  it('refuses a restEndpointUrl that is not allowed, naming the settings', async () => {
    const refused = await call(a.server.url, 'POST', '/v3/workflow/embedded-scheduler/create', { materializedTableIdentifier: '`x`.`y`.`z`', cronExpression: '0 0 0 1 1 ? 2099', restEndpointUrl: 'http://127.0.0.1:1' });
    expect(refused.status).toBe(403);
    expect((refused.json.errors as string[])[0]).toMatch(/restEndpointUrl 'http:\/\/127\.0\.0\.1:1' is not an allowed gateway: .*--flink-gateway or FRESHET_FLINK_GATEWAY.*--allow-gateway <url> \(repeatable\) or FRESHET_ALLOWED_GATEWAYS/);
  });

  it("refreshes B's table with A's schedule time; with B down the fire fails with the reason; B back, it succeeds again", async () => {
    const created = await call(a.server.url, 'POST', '/v3/workflow/embedded-scheduler/create', { materializedTableIdentifier: MT, cronExpression: '0 0 0 1 1 ? 2099', initConfig: { 'pipeline.name': 'from-a' }, restEndpointUrl: b.server.url });
    expect(created.status).toBe(200);
    const id = ((await call(a.server.url, 'GET', `/v1/workflows?table=${encodeURIComponent(MT)}`)).json.items as { workflowId: string }[])[0]?.workflowId ?? '';

    const ok = await fire(id);
    expect(ok.error).toBeNull();
    const handle = String(ok.operationHandle);
    const op = await b.runtime.tables.waitForOperation(handle); // A's ledger holds B's handle
    // The job closes the operation once it has the job id, as Flink's does; the refresh runs to its end regardless
    // (CLOSED if it had finished by then, else FINISHED), its row written.
    expect(['FINISHED', 'CLOSED']).toContain(op.status);
    expect(op).toMatchObject({ rowsWritten: 1, kind: 'periodic', scheduleTime: '2026-03-03 00:01:00', partitions: { ds: '2026-03-02' } });
    expect(remote.at(-1)).toMatchObject({ jobId: handle, gateway: b.server.url });
    expect((await call(b.server.url, 'POST', '/v1/statements', { statement: 'SELECT ds, total FROM daily' })).json.rows).toStrictEqual([['2026-03-02', 5]]);

    // A followed B's job through B's API and recorded its end in A's own log: the ledger says what B did.
    const done = await settled(id, ok.nominalTime);
    const bOp = (await call(b.server.url, 'GET', `/v1/operations/${handle}`)).json;
    expect(done).toMatchObject({
      outcome: 'succeeded',
      error: null,
      rowsWritten: 1,
      durationMs: bOp.durationMs,
      partition: { ds: '2026-03-02' },
      remote: { gateway: b.server.url, jobId: handle, clusterInfo: { 'execution.target': 'freshet-embedded' }, followedVia: b.server.url },
    });
    expect(['FINISHED', 'CLOSED']).toContain(done.remote?.jobState);
    const recorded = await a.runtime.store.readStream(remoteRefreshStreamName(handle));
    expect(recorded.map((e) => [e.type, e.schemaVersion])).toStrictEqual([['RemoteRefreshSubmitted', 1], ['RemoteJobEnded', 1]]);

    await b.server.close();
    const down = await fire(id);
    expect(down.operationHandle).toBeNull();
    expect(down.error).toMatch(new RegExp(`^The Flink gateway ${b.server.url} did not answer POST /v3/sessions: `));
    expect(down).toMatchObject({ outcome: 'failed', remote: null });
    // B is gone: the first fire's outcome is still A's to tell.
    expect((await occurrences(id)).find((o) => o.nominalTime === ok.nominalTime)).toStrictEqual(done);

    // A restarts: the same answer, from its log alone.
    await a.server.close();
    a = await startNode(a.dir, 0, { clock, gateways: { allowed: [b.server.url] }, remote: { attempts: 2, baseDelayMs: 0, sleep: async () => undefined, waitUntil: yieldTurn } });
    expect((await occurrences(id)).find((o) => o.nominalTime === ok.nominalTime)).toStrictEqual(done);

    b = await startNode(b.dir, bPort);
    const back = await fire(id);
    expect(back.error).toBeNull();
    expect(await b.runtime.tables.waitForOperation(String(back.operationHandle))).toMatchObject({ rowsWritten: 1, error: null });
    expect(await settled(id, back.nominalTime)).toMatchObject({ outcome: 'succeeded', rowsWritten: 1, remote: { jobId: back.operationHandle } });
  });
});

describe('freshet in front of a gateway (--flink-gateway): SQL Gateway paths forwarded, workflows kept here', () => {
  let front: Node;
  let gateway: Node;
  const clock = new ManualClock(Date.UTC(2026, 2, 3, 0, 0, 0));
  beforeAll(async () => {
    gateway = await startNode(await mkdtemp(join(tmpdir(), 'freshet-gw-')), 0);
    await call(gateway.server.url, 'POST', '/v1/statements', { statement: "CREATE TABLE src AS SELECT * FROM (VALUES ('2026-03-02', 5)) t(ds, v)" });
    await call(gateway.server.url, 'POST', '/v1/statements', { statement: CREATE_MT });
    front = await startNode(await mkdtemp(join(tmpdir(), 'freshet-front-')), 0, { clock, gateways: { upstream: gateway.server.url }, remote: { attempts: 1, sleep: async () => undefined } });
  });
  afterAll(async () => {
    await front?.server.close();
    await gateway?.server.close();
    await rm(front.dir, { recursive: true, force: true });
    await rm(gateway.dir, { recursive: true, force: true });
  });

  it('forwards sessions to the upstream, keeps the embedded-scheduler endpoints, and fires of its own address reach the upstream', async () => {
    const opened = await call(front.server.url, 'POST', '/v3/sessions', { sessionName: 'through-front', properties: {} });
    expect(opened.status).toBe(200);
    expect((await call(gateway.server.url, 'GET', `/v3/sessions/${String(opened.json.sessionHandle)}`)).status).toBe(200); // it lives upstream
    expect((await call(front.server.url, 'GET', '/api_versions')).json).toStrictEqual({ versions: ['V1', 'V2', 'V3', 'V4'] });

    // Flink's MaterializedTableManager creates the workflow at freshet (its advertised address) with that address.
    const created = await call(front.server.url, 'POST', '/v3/workflow/embedded-scheduler/create', { materializedTableIdentifier: MT, cronExpression: '0 0 0 1 1 ? 2099', restEndpointUrl: front.server.url });
    expect(created.status).toBe(200);
    expect((await call(gateway.server.url, 'GET', '/v1/workflows')).json.items).toHaveLength(1); // only its own DDL's: not forwarded
    const id = ((await call(front.server.url, 'GET', '/v1/workflows')).json.items as { workflowId: string }[])[0]?.workflowId ?? '';
    clock.advance(60_000);
    expect((await call(front.server.url, 'POST', `/v1/workflows/${id}/trigger`, {})).status).toBe(202);
    let handle: string | null | undefined;
    while (!handle) {
      const all = (await call(front.server.url, 'GET', `/v1/workflows/${id}/occurrences`)).json.occurrences as { operationHandle: string | null; error: string | null }[];
      expect(all.find((o) => o.error)?.error ?? null).toBeNull();
      handle = all.find((o) => o.operationHandle)?.operationHandle;
      await new Promise<void>((r) => setImmediate(r));
    }
    expect(await gateway.runtime.tables.waitForOperation(handle)).toMatchObject({ rowsWritten: 1, scheduleTime: '2026-03-03 00:01:00' });

    await gateway.server.close();
    const down = await call(front.server.url, 'POST', '/v3/sessions', {});
    expect(down.status).toBe(502);
    expect((down.json.errors as string[])[0]).toMatch(/^The upstream Flink SQL Gateway http:\/\/127\.0\.0\.1:\d+ did not answer/);
  });
});
