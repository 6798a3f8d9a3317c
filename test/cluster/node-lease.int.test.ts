import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FreshetRuntime, NodeIdError, NodeLeaseError, openFreshet, type OpenFreshetOptions } from '../../src/runtime/index.ts';
import { dropSchema, freshSchema, pgSkip, runSql, withSchema } from '../events/postgres-server.ts';

const describePg = pgSkip.skip ? describe.skip : describe;

describePg(`nodes on one PostgreSQL store: the node lease${pgSkip.skip ? ` (skipped: ${pgSkip.skip})` : ''}`, () => {
  const open: FreshetRuntime[] = [];
  const dirs: string[] = [];
  const schemas: string[] = [];
  afterEach(async () => {
    for (const runtime of open.splice(0)) await runtime.close();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  const store = (): string => {
    const schema = freshSchema();
    schemas.push(schema);
    return withSchema(schema);
  };
  async function node(spec: string, options: Partial<OpenFreshetOptions> = {}): Promise<FreshetRuntime> {
    const dir = await mkdtemp(join(tmpdir(), 'freshet-node-'));
    dirs.push(dir);
    const runtime = await openFreshet({ store: spec, dataDir: dir, timeZone: 'UTC', warehouse: 'gateway', ...options });
    open.push(runtime);
    return runtime;
  }

  it('gives each node the id it is given, and each run of it an engine id of its own', async () => {
    const spec = store();
    const a = await node(spec, { nodeId: 'node-a' });
    const b = await node(spec, { nodeId: 'node-b' });
    expect([a.config.nodeId, b.config.nodeId]).toEqual(['node-a', 'node-b']);
    expect(a.config.engineId).toMatch(/^node-a~[0-9a-f]{6}$/);
    expect(a.scheduler.engine.engineId).toBe(a.config.engineId);
    const dir = a.config.dataDir;
    await a.close();
    const again = await openFreshet({ store: spec, dataDir: dir, timeZone: 'UTC', warehouse: 'gateway', nodeId: 'node-a' });
    open.push(again);
    expect(again.config.nodeId).toBe('node-a');
    expect(again.config.engineId).not.toBe(a.config.engineId);
  });

  it('without --node-id a node keeps the id of its data directory', async () => {
    const spec = store();
    const a = await node(spec);
    const dir = a.config.dataDir;
    const id = a.config.nodeId;
    await a.close();
    const again = await openFreshet({ store: spec, dataDir: dir, timeZone: 'UTC', warehouse: 'gateway' });
    open.push(again);
    expect(again.config.nodeId).toBe(id);
  });

  it('refuses a second live node with the same id, and takes the id once the first is gone', async () => {
    const spec = store();
    const first = await node(spec, { nodeId: 'twin' });
    const refused: unknown = await node(spec, { nodeId: 'twin' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NodeLeaseError);
    expect((refused as Error).message).toMatch(/^Another live freshet node already uses the node id 'twin' on this store \(schema freshet_test_\w+\): .*--node-id \(FRESHET_NODE_ID\)/);
    await first.close();
    open.splice(open.indexOf(first), 1);
    expect((await node(spec, { nodeId: 'twin' })).config.nodeId).toBe('twin');
  });

  it('the same id on another schema is another store: both run', async () => {
    const a = await node(store(), { nodeId: 'same' });
    const b = await node(store(), { nodeId: 'same' });
    expect([a.config.nodeId, b.config.nodeId]).toEqual(['same', 'same']);
  });

  it('refuses an embedded-warehouse node beside live nodes, and any node beside a live embedded one, saying why', async () => {
    const spec = store();
    await node(spec, { nodeId: 'g1' });
    await node(spec, { nodeId: 'g2' });
    const embedded: unknown = await node(spec, { nodeId: 'e1', warehouse: 'embedded' }).catch((error: unknown) => error);
    expect(embedded).toBeInstanceOf(NodeLeaseError);
    expect((embedded as Error).message).toMatch(/^Other freshet nodes are live on this store \(schema \w+\): g1 \(gateway\), g2 \(gateway\)\. This node refreshes its embedded DuckDB warehouse.*--warehouse gateway \(FRESHET_WAREHOUSE=gateway\).*restEndpointUrl/);

    const alone = store();
    await node(alone, { nodeId: 'e1', warehouse: 'embedded' });
    for (const warehouse of ['gateway', 'embedded'] as const) {
      const second: unknown = await node(alone, { nodeId: `other-${warehouse}`, warehouse }).catch((error: unknown) => error);
      expect(second).toBeInstanceOf(NodeLeaseError);
      expect((second as Error).message).toMatch(warehouse === 'gateway' ? /^A freshet node refreshing its embedded warehouse is live on this store \(schema \w+\): e1 \(embedded\)\. It must run alone/ : /^Other freshet nodes are live.*: e1 \(embedded\)\./);
    }
  });

  it('refuses a node id that cannot name a node', async () => {
    const error: unknown = await node(store(), { nodeId: 'has space' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeIdError);
    expect((error as Error).message).toMatch(/"has space" is not usable: use 1 to 100 letters/);
  });

  it('a node whose lease connection the server ends stops its engine and is told why', async () => {
    const spec = store();
    const reasons: string[] = [];
    let told!: () => void;
    const lostOnce = new Promise<void>((resolve) => (told = resolve));
    const a = await node(spec, { nodeId: 'cut', onLeaseLost: (reason) => (reasons.push(reason), told()) });
    await runSql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'freshet node cut (gateway)'`);
    await lostOnce;
    expect(reasons[0]).toMatch(/its connection to PostgreSQL (failed|closed)/);
    await expect(a.startEngine()).rejects.toThrow(/^The node lost its lease: /);
    // The server released the id with the session: another node may take it.
    expect((await node(spec, { nodeId: 'cut' })).config.nodeId).toBe('cut');
  });
});
