import { type FreshetProcess, freePort, removeDir, startFreshet, tempDir } from '../../e2e/support/freshet-process.ts';

// Real freshet processes for the cluster tests: a gateway (SQLite log, embedded DuckDB: the cluster's shared
// executor) and nodes on one PostgreSQL schema that fire into it through the remote executor.

/**
 * Short beside Flink's 60 s, so a dead node's claims are settled within the test, yet well above what a fire and
 * its recorded outcome take on a loaded machine: a claim still open after it counts as its node's death.
 */
export const MISFIRE_THRESHOLD = '10 s';
export const tableName = (i: number): string => `w${String(i).padStart(3, '0')}`;
export const tableIdentifier = (i: number): string => `\`freshet\`.\`default\`.\`${tableName(i)}\``;

export async function call<T = Record<string, unknown>>(base: string, method: string, path: string, body?: object): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    signal: AbortSignal.timeout(30_000),
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as T };
}

async function statement(base: string, sql: string): Promise<void> {
  const r = await call(base, 'POST', '/v1/statements', { statement: sql });
  if (r.status !== 200) throw new Error(`${sql}: ${r.status} ${JSON.stringify(r.json)}`);
}

/** The gateway: one freshet with its embedded warehouse and `tables` materialized tables the workflows refresh. */
export async function startGateway(tables: number): Promise<FreshetProcess> {
  const gateway = await startFreshet({ dataDir: await tempDir('freshet-gateway-'), port: await freePort(), command: 'node', env: { FRESHET_STORE: 'sqlite' } });
  await statement(gateway.url, 'CREATE TABLE src AS SELECT 1 AS v');
  // Daily freshness: the gateway's own workflows stay out of the way; the nodes' per-second workflows refresh them.
  for (let i = 0; i < tables; i++) await statement(gateway.url, `CREATE MATERIALIZED TABLE ${tableName(i)} FRESHNESS = INTERVAL '1' DAY AS SELECT count(*) AS n FROM src`);
  return gateway;
}

/** One node's place: its id, data directory and port survive its restarts. */
export interface NodeSlot {
  id: string;
  dataDir: string;
  port: number;
  env: Record<string, string>;
  process?: FreshetProcess;
}

export async function nodeSlot(id: string, store: string, gatewayUrl: string, env: Record<string, string> = {}): Promise<NodeSlot> {
  return {
    id,
    dataDir: await tempDir(`freshet-${id}-`),
    port: await freePort(),
    env: {
      FRESHET_STORE: store,
      FRESHET_NODE_ID: id,
      FRESHET_WAREHOUSE: 'gateway',
      FRESHET_ALLOWED_GATEWAYS: gatewayUrl,
      FRESHET_MISFIRE_THRESHOLD: MISFIRE_THRESHOLD,
      ...env,
    },
  };
}

export async function startNode(slot: NodeSlot): Promise<FreshetProcess> {
  slot.process = await startFreshet({ dataDir: slot.dataDir, port: slot.port, command: 'node', env: slot.env });
  return slot.process;
}

export async function removeSlot(slot: NodeSlot): Promise<void> {
  await slot.process?.kill();
  await removeDir(slot.dataDir);
}

/** A Quartz cron that never fires in the tests' lifetime: workflows are created quiet, then given their schedule. */
export const NEVER = '0 0 0 1 1 ? 2099';

/** Workflows, one per gateway table, created through Flink's endpoint on `node` with the gateway as restEndpointUrl. */
export async function createWorkflows(node: string, gatewayUrl: string, count: number, cronExpression = NEVER): Promise<string[]> {
  for (let i = 0; i < count; i++) {
    const r = await call(node, 'POST', '/v3/workflow/embedded-scheduler/create', { materializedTableIdentifier: tableIdentifier(i), cronExpression, restEndpointUrl: gatewayUrl });
    if (r.status !== 200) throw new Error(`create workflow ${i}: ${r.status} ${JSON.stringify(r.json)}`);
  }
  const listed = await call<{ items: { workflowId: string; tableIdentifier?: string }[] }>(node, 'GET', `/v1/workflows?limit=1000`);
  return listed.json.items.map((w) => w.workflowId);
}

export interface Occurrence {
  nominalTime: string;
  outcome: string;
  recovered: boolean;
  error: string | null;
  reason: string | null;
}

/** The ledger of a workflow over [from, to], oldest first, as a node answers it. */
export async function ledger(node: string, id: string, from: number, to: number): Promise<Occurrence[]> {
  const q = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&order=oldest&limit=10000`;
  const r = await call<{ occurrences: Occurrence[] }>(node, 'GET', `/v1/workflows/${id}/occurrences?${q}`);
  if (r.status !== 200) throw new Error(`ledger of ${id}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.occurrences;
}

/** How many refreshes of each schedule time (`yyyy-MM-dd HH:mm:ss`) the gateway received for table i. */
export async function received(gatewayUrl: string, i: number): Promise<Map<string, number>> {
  const r = await call<{ operations: { scheduleTime: string | null; kind: string }[]; more: boolean }>(gatewayUrl, 'GET', `/v1/materialized-tables/${encodeURIComponent(tableIdentifier(i))}/operations?limit=1000`);
  if (r.status !== 200 || r.json.more) throw new Error(`operations of ${tableName(i)}: ${r.status} more=${String(r.json.more)}`);
  const counts = new Map<string, number>();
  for (const op of r.json.operations) if (op.kind === 'periodic' && op.scheduleTime) counts.set(op.scheduleTime, (counts.get(op.scheduleTime) ?? 0) + 1);
  return counts;
}

/** `yyyy-MM-dd HH:mm:ss` of an instant in UTC, as the gateway records a schedule time. */
export const scheduleText = (t: number): string => new Date(t).toISOString().slice(0, 19).replace('T', ' ');

/** A small seeded generator (mulberry32): the kill schedule is random, and the same for a seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
