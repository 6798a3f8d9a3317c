/**
 * freshet started as the README starts it (`npm start`), driven over HTTP by concurrent clients, killed with SIGKILL
 * while commands are in flight, restarted on the same data directory: every acknowledged command is still there,
 * nothing is half-created, refreshes go on, and after a graceful stop the read model equals a replay of the log.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CommandLog, type SentCommand } from './support/command-log.ts';
import { type FreshetProcess, freePort, killAll, REPO_ROOT, removeDir, startFreshet, tempDir, until } from './support/freshet-process.ts';
import { nextEvent, ok, query, request } from './support/http.ts';

const run = promisify(execFile);
const TODAY = new Date().toISOString().slice(0, 10);
const FAR_CRON = '0 0 0 1 1 ? 2099'; // never fires during the test: the Flink workflows only carry commands
const FLINK_OPS = ['create', 'suspend', 'resume', 'suspend'] as const;
const STATUS_AFTER = { create: 'ACTIVE', suspend: 'SUSPENDED', resume: 'ACTIVE' } as const;
const ident = (table: string) => `\`freshet\`.\`default\`.\`${table}\``;
const json = (url: string) => ({ post: (path: string, body: unknown) => request<unknown>(url, 'POST', path, body) });

interface TableTrack { name: string; create: SentCommand; suspend?: SentCommand }
interface FlinkStep { op: (typeof FLINK_OPS)[number]; reason: string; command: SentCommand }
interface FlinkTrack { table: string; steps: FlinkStep[] }
interface TableInfo { definition: { table: string; identifier: string }; status: string; workflow: { workflowId: string; status: string } | null; refresh: { lastSuccessfulRefresh: string | null } }
interface WorkflowInfo { workflowId: string; status: string; materializedTableIdentifier: string }

let dataDir: string | undefined;
afterEach(killAll);
afterAll(async () => {
  await killAll();
  await removeDir(dataDir);
});

/** Sequential INSERTs into the source table, one row each, ids unique per chain. */
async function insertChain(url: string, log: CommandLog, chain: number, inserted: Map<number, SentCommand>): Promise<void> {
  for (let k = 0; log.running; k++) {
    const id = 1_000 + chain * 100_000 + k;
    const command = await log.send(`insert ${id}`, () => json(url).post('/v1/statements', { statement: `INSERT INTO src VALUES (${id}, '${TODAY}', ${k % 97})` }));
    inserted.set(id, command);
    if (command.state !== 'acked') return;
  }
}

/** CREATE MATERIALIZED TABLE, then SUSPEND every other one (statements with a reason). */
async function tableChain(url: string, log: CommandLog, chain: number, tables: TableTrack[]): Promise<void> {
  for (let k = 0; log.running; k++) {
    const name = `mt_${chain}_${k}`;
    const statement = `CREATE MATERIALIZED TABLE ${name} PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' HOUR AS SELECT ds, count(*) AS n FROM src GROUP BY ds`;
    const track: TableTrack = { name, create: await log.send(`create ${name}`, () => json(url).post('/v1/statements', { statement })) };
    tables.push(track);
    if (track.create.state !== 'acked' || !log.running) return;
    if (k % 2 === 1) {
      track.suspend = await log.send(`suspend ${name}`, () => json(url).post('/v1/statements', { statement: `ALTER MATERIALIZED TABLE ${name} SUSPEND`, reason: `e2e suspend ${name}` }));
      if (track.suspend.state !== 'acked') return;
    }
  }
}

/** Flink's REST client: create a workflow, then suspend, resume, suspend it, each with a reason the log keeps. */
async function flinkChain(url: string, log: CommandLog, chain: number, workflows: FlinkTrack[]): Promise<void> {
  for (let k = 0; log.running; k++) {
    const track: FlinkTrack = { table: `wf_${chain}_${k}`, steps: [] };
    workflows.push(track);
    const handler = { workflowName: `quartz_job_${ident(track.table)}`, workflowGroup: 'default_group' };
    for (const [i, op] of FLINK_OPS.entries()) {
      if (!log.running) return;
      const reason = `e2e ${track.table} #${i} ${op}`;
      const body = op === 'create' ? { materializedTableIdentifier: ident(track.table), cronExpression: FAR_CRON, initConfig: {}, executionConfig: {}, restEndpointUrl: url, reason } : { ...handler, reason };
      const command = await log.send(`${op} ${track.table}`, () => json(url).post(`/v3/workflow/embedded-scheduler/${op}`, body));
      track.steps.push({ op, reason, command });
      if (command.state !== 'acked') return;
    }
  }
}

/** The statuses a workflow may have: after its acknowledged prefix, or also after the one command lost in flight. */
function allowedStatuses(steps: FlinkStep[]): string[] {
  const acked = steps.filter((s) => s.command.state === 'acked');
  const lost = steps.find((s) => s.command.state === 'lost');
  const after = acked.length > 0 ? [STATUS_AFTER[acked[acked.length - 1]!.op]] : [];
  return lost ? [...after, STATUS_AFTER[lost.op]] : after;
}

describe('crash and restart under load (npm start, SIGKILL mid-load)', () => {
  it('keeps every acknowledged command and half-creates nothing', async () => {
    dataDir = await tempDir('freshet-e2e-crash-');
    const port = await freePort();
    let freshet: FreshetProcess = await startFreshet({ dataDir, port });
    const url = freshet.url;

    // Given a source table and a materialized table refreshing every 2 seconds.
    await ok(url, 'POST', '/v1/statements', { statement: 'CREATE TABLE src (id INTEGER, ds VARCHAR, amount DOUBLE)' });
    await ok(url, 'POST', '/v1/statements', { statement: `INSERT INTO src SELECT range, '${TODAY}', range % 10 FROM range(100)` });
    await ok(url, 'POST', '/v1/statements', {
      statement: `CREATE MATERIALIZED TABLE fast_rev PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '2' SECOND AS SELECT ds, count(*) AS n, sum(amount) AS revenue FROM src GROUP BY ds`,
    });

    // When ten clients send commands concurrently (four of them creating tables, so that the kill lands inside a CREATE)...
    const log = new CommandLog();
    const inserted = new Map<number, SentCommand>();
    const tables: TableTrack[] = [];
    const workflows: FlinkTrack[] = [];
    const load = Promise.all([
      ...[0, 1, 2, 3].map((c) => tableChain(url, log, c, tables)),
      ...[0, 1, 2].map((c) => insertChain(url, log, c, inserted)),
      ...[0, 1, 2].map((c) => flinkChain(url, log, c, workflows)),
    ]);

    // ...and a scheduled refresh has completed and enough commands were acknowledged, freshet is killed mid-load: the
    // moment the log shows a CREATE under way (its first event is written, its table and workflow may not be yet).
    await until('a refresh of fast_rev and 60 acknowledged commands', async () => {
      const t = await ok<TableInfo>(url, 'GET', `/v1/materialized-tables/fast_rev`);
      return t.refresh.lastSuccessfulRefresh !== null && log.count('acked') >= 60 ? true : undefined;
    }, 20_000, 200);
    const { headPosition } = await ok<{ headPosition: number }>(url, 'GET', '/readyz');
    await nextEvent(url, headPosition, 'MaterializedTableCreating', 3_000);
    const inFlightAtKill = log.count('in-flight');
    await freshet.kill();
    log.stop();
    await load;
    expect(inFlightAtKill, 'commands in flight when SIGKILL hit').toBeGreaterThan(0);
    expect(log.refused().map((c) => `${c.label}: ${c.status} ${JSON.stringify(c.body)}`), 'no command was refused under load').toEqual([]);

    // Then, restarted on the same data directory:
    freshet = await startFreshet({ dataDir, port });
    const restartedAt = new Date().toISOString();

    // Every acknowledged INSERT is in the source table; nothing appeared that was never sent.
    const ids = new Set((await query(url, 'SELECT id FROM src')).map((r) => Number(r[0])));
    for (const [id, command] of inserted) {
      if (command.state === 'acked') expect(ids.has(id), `acknowledged insert ${id}`).toBe(true);
    }
    for (const id of ids) expect(id < 100 || inserted.has(id), `row ${id} was sent`).toBe(true);

    // Every table is whole: ACTIVATED with an ACTIVE workflow or SUSPENDED with a SUSPENDED one, and in the warehouse.
    // (expect.soft: one run reports every broken table, not only the first.)
    const listed = (await ok<{ tables: TableInfo[] }>(url, 'GET', '/v1/materialized-tables')).tables;
    const byName = new Map(listed.map((t) => [t.definition.table, t]));
    const warehouse = (await query(url, "SELECT table_name FROM duckdb_tables() WHERE database_name = 'freshet' AND schema_name = 'default'")).map((r) => String(r[0]));
    const all = (await ok<{ items: WorkflowInfo[] }>(url, 'GET', '/v1/workflows?limit=1000')).items.filter((w) => w.status !== 'DELETED');
    for (const t of listed) {
      const track = tables.find((x) => x.name === t.definition.table);
      const seen = JSON.stringify({
        table: t.status,
        tableWorkflow: t.workflow?.status ?? null,
        workflowsOfTable: all.filter((w) => w.materializedTableIdentifier === t.definition.identifier).map((w) => w.status),
        inWarehouse: warehouse.includes(t.definition.table),
        create: track?.create.state,
        suspend: track?.suspend?.state ?? null,
      });
      expect.soft(['ACTIVATED', 'SUSPENDED'], `status of ${t.definition.table}: ${seen}`).toContain(t.status);
      expect.soft(t.workflow?.status, `workflow of ${t.definition.table}: ${seen}`).toBe(t.status === 'ACTIVATED' ? 'ACTIVE' : 'SUSPENDED');
      if (t.workflow) expect.soft((await ok<WorkflowInfo>(url, 'GET', `/v1/workflows/${t.workflow.workflowId}`)).status).toBe(t.workflow.status);
    }
    for (const track of tables) {
      const table = byName.get(track.name);
      if (track.create.state === 'acked') expect.soft(table, `acknowledged CREATE of ${track.name}`).toBeDefined();
      if (!table) continue;
      const suspend = track.suspend?.state;
      const allowed = suspend === 'acked' ? ['SUSPENDED'] : suspend === 'lost' ? ['ACTIVATED', 'SUSPENDED'] : ['ACTIVATED'];
      expect.soft(allowed, `status of ${track.name} (suspend ${suspend ?? 'not sent'})`).toContain(table.status);
    }
    expect.soft([...warehouse].sort(), 'warehouse tables = source + materialized tables').toEqual(['src', ...byName.keys()].sort());

    // Every workflow belongs to a listed table or to a Flink client's create; each Flink workflow shows its acknowledged commands.
    const flinkIds = new Set(workflows.map((w) => ident(w.table)));
    for (const w of all) {
      expect.soft(listed.some((t) => t.definition.identifier === w.materializedTableIdentifier) || flinkIds.has(w.materializedTableIdentifier), `workflow of ${w.materializedTableIdentifier} has an owner`).toBe(true);
    }
    for (const track of workflows) {
      const found = all.filter((w) => w.materializedTableIdentifier === ident(track.table));
      const allowed = allowedStatuses(track.steps);
      if (track.steps[0]?.command.state === 'acked') expect.soft(found, `acknowledged create of ${track.table}`).toHaveLength(1);
      if (found.length === 0) continue;
      const wf = await ok<WorkflowInfo>(url, 'GET', `/v1/workflows/${found[0]!.workflowId}`);
      expect.soft(allowed, `status of ${track.table}: ${track.steps.map((s) => `${s.op}=${s.command.state}`).join(', ')}`).toContain(wf.status);
      const history = (await ok<{ events: { reason: string | null }[] }>(url, 'GET', `/v1/workflows/${wf.workflowId}/history?order=oldest&limit=1000`)).events;
      const reasons = history.map((e) => e.reason).filter((r): r is string => r?.startsWith('e2e ') ?? false);
      const acked = track.steps.filter((s) => s.command.state === 'acked').map((s) => s.reason);
      const lost = track.steps.filter((s) => s.command.state === 'lost').map((s) => s.reason);
      expect.soft([acked, [...acked, ...lost]], `history of ${track.table}`).toContainEqual(reasons);
    }

    // Refreshes go on: a refresh after the restart sees every row of the source table.
    const rows = (await query(url, `SELECT count(*) FROM src WHERE ds = '${TODAY}'`))[0]![0];
    await until('a refresh of fast_rev after the restart', async () => {
      const t = await ok<TableInfo>(url, 'GET', '/v1/materialized-tables/fast_rev');
      if ((t.refresh.lastSuccessfulRefresh ?? '') <= restartedAt) return undefined;
      return (await query(url, `SELECT n FROM fast_rev WHERE ds = '${TODAY}'`))[0]?.[0] === rows ? true : undefined;
    }, 10_000, 200);

    // A graceful stop, then the read model equals a rebuild from the log.
    await freshet.stop('SIGTERM');
    expect(freshet.stderr()).toContain('freshet stopped.');
    const verify = await run(process.execPath, ['bin/freshet.js', 'replay', '--verify', '--data-dir', dataDir], { cwd: REPO_ROOT });
    expect(verify.stdout).toMatch(/^OK: 6 of 6 checks passed /);
  }, 60_000);
});
