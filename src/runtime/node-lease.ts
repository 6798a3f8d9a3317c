import { createHash } from 'node:crypto';
import pg from 'pg';

/** How this node refreshes: its own embedded DuckDB, or only through gateways (a cluster's shared executor). */
export type WarehouseMode = 'embedded' | 'gateway';

/** Why a node may not join the nodes already live on its store. */
export class NodeLeaseError extends Error {
  override name = 'NodeLeaseError';
}

export interface NodeLeaseOptions {
  /** The store's postgres:// URL (its `schema` parameter names the store; default `freshet`). */
  store: string;
  nodeId: string;
  warehouse: WarehouseMode;
  /** How often the lease's connection is checked (default 1 s). */
  heartbeatMs?: number;
  /** How long connecting or a check may take before the lease counts as lost (default 30 s: half Flink's misfire threshold). */
  timeoutMs?: number;
  /** The lease is gone (the connection broke, the server ended it, a check timed out): the node must stop firing. */
  onLost: (reason: string) => void;
}

export interface NodeLease {
  /** Ends the lease (idempotent); a live node's last step. */
  release(): Promise<void>;
}

/** A 64-bit advisory-lock key of this store's `what`; advisory locks are per database, so the schema is in it. */
function lockKey(schema: string, what: string): { key: string; hi: number; lo: number } {
  const bytes = createHash('sha256').update(`freshet\0${schema}\0${what}`).digest();
  const key = bytes.readBigInt64BE(0);
  return { key: key.toString(), hi: bytes.readUInt32BE(0), lo: bytes.readUInt32BE(4) };
}

const TRY_LOCK = 'SELECT pg_try_advisory_lock($1::bigint) AS ok';
const TRY_LOCK_SHARED = 'SELECT pg_try_advisory_lock_shared($1::bigint) AS ok';
/** The other sessions holding a key (a bigint key shows as classid = high half, objid = low half, objsubid = 1). */
const HOLDERS = `SELECT DISTINCT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid = $1::oid AND l.objid = $2::oid AND l.pid <> pg_backend_pid()
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY 1`;

const APP_PREFIX = 'freshet node ';

/**
 * A live node's lease on a shared PostgreSQL store: session advisory locks held on a connection of its own, which
 * the server releases the moment the node's process or connection dies (no row to expire, no clock to trust).
 * - the node id's lock: a second live node with the same id is refused — two engines of one identity would each
 *   take the other's claims for their own;
 * - the warehouse lock: exclusive for a node refreshing its embedded DuckDB (on a shared store each fire would
 *   refresh whichever node's own copy fired it), shared for gateway nodes. So an embedded node runs alone, and a
 *   cluster refreshes on a shared executor.
 * A check every heartbeat that fails or times out counts the lease lost, so a node cut off from the server stops
 * firing within heartbeat + timeout, which the runtime keeps below the misfire threshold (when another node may take
 * its claims over).
 */
export async function acquireNodeLease(options: NodeLeaseOptions): Promise<NodeLease> {
  const url = new URL(options.store);
  const schema = url.searchParams.get('schema') ?? 'freshet';
  url.searchParams.delete('schema');
  const { nodeId, warehouse } = options;
  const heartbeatMs = options.heartbeatMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const client = new pg.Client({
    connectionString: url.toString(),
    application_name: `${APP_PREFIX}${nodeId} (${warehouse})`.slice(0, 63),
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    keepAlive: true,
  });
  let ended = false;
  let timer: NodeJS.Timeout | undefined;
  const lose = (reason: string): void => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    void client.end().catch(() => undefined);
    options.onLost(reason);
  };
  client.on('error', (error) => lose(`its connection to PostgreSQL failed (${error.message})`));
  client.on('end', () => lose('its connection to PostgreSQL closed'));
  try {
    await client.connect();
    const node = lockKey(schema, `node\0${nodeId}`);
    if (!(await client.query<{ ok: boolean }>(TRY_LOCK, [node.key])).rows[0]!.ok) {
      throw new NodeLeaseError(
        `Another live freshet node already uses the node id '${nodeId}' on this store (schema ${schema}): two nodes of one identity would each take the other's claims for their own. Give this node its own --node-id (FRESHET_NODE_ID) or its own data directory.`,
      );
    }
    const shared = lockKey(schema, 'warehouse');
    const locked = (await client.query<{ ok: boolean }>(warehouse === 'embedded' ? TRY_LOCK : TRY_LOCK_SHARED, [shared.key])).rows[0]!.ok;
    if (!locked) {
      const others = (await client.query<{ name: string }>(HOLDERS, [shared.hi, shared.lo])).rows.map((r) => r.name.replace(APP_PREFIX, ''));
      const live = others.length > 0 ? others.join(', ') : 'another node';
      throw new NodeLeaseError(
        warehouse === 'embedded'
          ? `Other freshet nodes are live on this store (schema ${schema}): ${live}. This node refreshes its embedded DuckDB warehouse, which is its own: on a shared store each refresh would land in the copy of whichever node fired it. A cluster's refreshes run on a shared executor: start every node with --warehouse gateway (FRESHET_WAREHOUSE=gateway) and give the workflows a restEndpointUrl of an allowed gateway (--flink-gateway, --allow-gateway).`
          : `A freshet node refreshing its embedded warehouse is live on this store (schema ${schema}): ${live}. It must run alone — its refreshes land in its own DuckDB. Restart it with --warehouse gateway (FRESHET_WAREHOUSE=gateway) before adding nodes.`,
      );
    }
  } catch (error) {
    ended = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  const beat = (): void => {
    timer = setTimeout(() => {
      client.query('SELECT 1').then(
        () => !ended && beat(),
        (error: unknown) => lose(`a check of its connection to PostgreSQL failed (${error instanceof Error ? error.message : String(error)})`),
      );
    }, heartbeatMs);
    timer.unref();
  };
  beat();
  return {
    async release() {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      await client.end().catch(() => undefined);
    },
  };
}
