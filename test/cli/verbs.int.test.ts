/**
 * The daily verbs without curl (issue 11, "Also") and the reasons shown where people look (defect 4), with
 * deleted workflows hidden by default and times local with the zone named (defect 10). A real fastify on a port,
 * the CLI run in process against it with --url.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTimeZone } from '../../src/clock/index.ts';
import { listeningApi } from './support/cli.ts';
import { cli } from './support/run.ts';

let api: Awaited<ReturnType<typeof listeningApi>>;
const run = (...args: string[]) => cli('--url', api.url, ...args);

beforeAll(async () => {
  api = await listeningApi({ withTables: true });
  await run('sql', "CREATE TABLE src AS SELECT range AS id, CASE WHEN range % 2 = 0 THEN '2026-03-01' ELSE '2026-03-02' END AS ds FROM range(10)");
  const created = await run('sql', "CREATE MATERIALIZED TABLE daily PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' HOUR AS SELECT ds, count(*) AS n FROM src GROUP BY ds");
  expect(created.code, created.err).toBe(0);
});
afterAll(async () => api.close());

describe('freshet verbs', () => {
  it('refresh --partition submits; ops lists operations newest first with partition, rows and duration, and says when more exist', async () => {
    const first = await run('refresh', 'daily', '--partition', 'ds=2026-03-01', '--reason', 'late data');
    expect(first.code, first.err).toBe(0);
    const handle = /operation (\S+)$/.exec(first.out.trim())?.[1];
    expect(handle).toBeDefined();
    await api.tables!.waitForOperation(handle!);
    const second = await run('refresh', 'daily', '--json');
    const secondHandle = (JSON.parse(second.out) as { operationHandle: string }).operationHandle;
    await api.tables!.waitForOperation(secondHandle);

    const ops = await run('ops', 'daily', '--json');
    const doc = JSON.parse(ops.out) as { operations: { operationHandle: string; partitions: Record<string, string>; rowsWritten: number; status: string }[]; more: boolean };
    expect(doc.operations.map((o) => o.operationHandle)).toEqual([secondHandle, handle]);
    expect(doc.operations[1]).toMatchObject({ partitions: { ds: '2026-03-01' }, rowsWritten: 1, status: 'FINISHED' });
    expect(doc.more).toBe(false);

    const human = await run('ops', 'daily', '--limit', '1', '--utc');
    expect(human.out).toMatch(/^submitted \(UTC\) +state +partition +rows +duration +error +operation/);
    expect(human.out).toMatch(new RegExp(`FINISHED +\\(all\\) +2 +\\d+ ms +${secondHandle}`));
    expect(human.out).toContain('(1 of 2; more with --limit)');
    expect((await run('refresh', 'daily', '--partition', 'ds')).code).toBe(2);
  });

  it('suspend with a reason: tables and workflows show it; resume by workflow id; trigger fires once', async () => {
    const suspended = await run('suspend', 'daily', '--reason', 'source backfill');
    expect(suspended.code, suspended.err).toBe(0);
    expect(suspended.out).toBe('`freshet`.`default`.`daily`: SUSPENDED (source backfill)\n');
    const tables = await run('tables');
    expect(tables.out).toMatch(/`freshet`\.`default`\.`daily` +SUSPENDED +1 HOUR +completed +\S+ \S+ +source backfill \(by anonymous\)/);
    expect(tables.out).toContain(`last success (${hostTimeZone()})`);
    const workflows = await run('workflows');
    expect(workflows.out).toMatch(/SUSPENDED .*source backfill \(by anonymous\)$/m);
    const id = /^([0-9a-f-]{36}) /m.exec(workflows.out)?.[1];
    expect(id).toBeDefined();

    const resumed = await run('resume', id!, '--json');
    expect(JSON.parse(resumed.out)).toMatchObject({ workflowId: id, status: 'ACTIVE' });
    const triggered = await run('trigger', id!, '--reason', 'check');
    expect(triggered.code, triggered.err).toBe(0);
    expect(triggered.out).toContain(`triggered ${id}`);

    // The manual fire, in the ledger by table name, with what its refresh did; explained; the suspend in history.
    let ledger = JSON.parse((await run('ledger', 'daily', '--json')).out) as { occurrences: { nominalTime: string; operationHandle: string | null }[] };
    for (let i = 0; i < 1000 && !ledger.occurrences[0]?.operationHandle; i++) {
      await new Promise((r) => setImmediate(r));
      ledger = JSON.parse((await run('ledger', 'daily', '--json')).out);
    }
    const fire = ledger.occurrences[0]!;
    await api.tables!.waitForOperation(fire.operationHandle!);
    const table = await run('ledger', 'daily', '--utc');
    expect(table.out).toMatch(/^time \(UTC\) +outcome +why +partition +rows +duration +error/);
    expect(table.out).toMatch(/succeeded \(manual\) +ds=\d{4}-\d{2}-\d{2} +\d+ +\d+ ms/);
    const why = await run('explain', id!, '--at', fire.nominalTime);
    expect(why.code, why.err).toBe(0);
    expect(why.out).toMatch(/: not a fire time, succeeded\n/);
    expect(why.out).toContain('It was fired by hand');
    const history = await run('history', 'daily');
    expect(history.out).toMatch(/WorkflowSuspended +anonymous +source backfill/);
    expect((await run('ledger', 'daily', '--outcome', 'great')).code).toBe(2);
    expect((await run('explain', 'daily', '--at', 'yesterday')).code).toBe(2);
  });

  it('suspend --until pauses a workflow by id, or a table by name, until an instant; a past one is refused', async () => {
    const list = JSON.parse((await run('workflows', '--json')).out) as { items: { workflowId: string; materializedTableIdentifier: string }[] };
    const id = list.items.find((w) => w.materializedTableIdentifier.includes('daily'))!.workflowId;
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const paused = await run('suspend', id, '--until', until, '--reason', 'window', '--json');
    expect(paused.code, paused.err).toBe(0);
    expect(JSON.parse(paused.out)).toMatchObject({ status: 'SUSPENDED', suspendedUntil: until, suspendReason: 'window' });
    await run('resume', id);
    const onTable = await run('suspend', 'daily', '--until', until, '--reason', 'window', '--json');
    expect(onTable.code, onTable.err).toBe(0);
    expect(JSON.parse(onTable.out)).toMatchObject({ status: 'SUSPENDED', suspendedUntil: until, suspendReason: 'window', workflow: { status: 'SUSPENDED', suspendedUntil: until } });
    const past = await run('resume', 'daily').then(() => run('suspend', 'daily', '--until', '2020-01-01T00:00:00Z'));
    expect(past.code).not.toBe(0);
    expect(past.err).toMatch(/A pause must end in the future: until 2020-01-01T00:00:00.000Z/);
    expect(JSON.parse((await run('tables', '--json')).out)).toMatchObject({ tables: [{ status: 'ACTIVATED' }] });
  });

  it('workflows hides deleted ones unless --all or --status deleted', async () => {
    const created = await api.app.inject({ method: 'POST', url: '/v3/workflow/embedded-scheduler/create', payload: { materializedTableIdentifier: '`c`.`d`.`gone`', cronExpression: '0 0 * * * ?' } });
    expect(created.statusCode).toBe(200);
    const list = (await api.app.inject({ method: 'GET', url: '/v1/workflows?table=%60c%60.%60d%60.%60gone%60' })).json() as { items: { workflowId: string }[] };
    await api.app.inject({ method: 'DELETE', url: `/v1/workflows/${list.items[0]!.workflowId}`, payload: {} });
    expect((await run('workflows')).out).not.toContain('gone');
    expect((await run('workflows', '--all')).out).toMatch(/`c`\.`d`\.`gone` +DELETED/);
    expect((await run('workflows', '--status', 'deleted')).out).toContain('gone');
    expect((await run('workflows', '--status', 'paused')).code).toBe(2);
  });
  it('describe shows status, schedule with its dialect, freshness and lag, next fires and outcomes; backfill plans, runs and is listed', async () => {
    const d = await run('describe', 'daily', '--utc');
    expect(d.code, d.err).toBe(0);
    expect(d.out).toMatch(/^`freshet`\.`default`\.`daily` {2}(ACTIVATED|SUSPENDED)/);
    expect(d.out).toMatch(/schedule {3}0 0 0\/1 \* \* \? \* \(quartz cron\) in UTC/);
    expect(d.out).toMatch(/freshness {2}1 HOUR; (data from .* s old\)|never refreshed)/);
    expect(d.out).toMatch(/next fires \(UTC\) {2}2026-03-02 1\d:00:00, /);
    const json = JSON.parse((await run('describe', 'daily', '--json')).out) as { nextFireTimes: string[]; table: { lag: { freshnessMs: number } } };
    expect(json.nextFireTimes).toHaveLength(5);
    expect(json.table.lag.freshnessMs).toBe(3_600_000);

    const dry = await run('backfill', 'daily', '--from', '2026-02-27T01:00:00Z', '--to', '2026-03-01T01:00:00Z', '--dry-run', '--reprocess', 'all');
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toMatch(/`freshet`\.`default`\.`daily`: 2 refreshes/);
    expect(dry.out).toMatch(/ds=2026-02-27 +24/);
    const started = JSON.parse((await run('backfill', 'daily', '--from', '2026-02-27T01:00:00Z', '--to', '2026-03-01T01:00:00Z', '--json')).out) as { backfill: { id: string } };
    let list = JSON.parse((await run('backfills', '--json')).out) as { backfills: { id: string; status: string }[] };
    for (let i = 0; i < 2000 && list.backfills[0]?.status === 'running'; i++) {
      await new Promise((r) => setImmediate(r));
      list = JSON.parse((await run('backfills', '--json')).out);
    }
    expect(list.backfills[0]).toMatchObject({ id: started.backfill.id, status: 'succeeded' });
    expect((await run('backfills', 'daily')).out).toMatch(/succeeded +2\/2 +0 +anonymous/);
    expect((await run('backfill', 'daily', '--from', '2026-02-27T01:00:00Z', '--to', '2026-03-01T01:00:00Z', '--reprocess', 'some')).code).toBe(2);
  });
});
