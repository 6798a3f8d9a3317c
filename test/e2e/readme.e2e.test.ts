/**
 * The README's quickstart, run as a newcomer would: freshet started with `npm start`, every `./bin/freshet.js`
 * command run as written (through `sh -c`, from the repository root, with FRESHET_URL pointing at the server), the
 * `curl` URLs expanded by the shell and fetched. Every command in the README is either run here or exempt below.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FreshetProcess, freePort, killAll, REPO_ROOT, removeDir, startFreshet, tempDir, until } from './support/freshet-process.ts';
import { ok, query, request } from './support/http.ts';
import { ReadmeCoverage, readmeCommands } from './support/readme.ts';
import { follow, killShells, sh } from './support/shell.ts';

/** README commands this test does not run, and why (CI runs the install and the tests). */
const EXEMPT: Record<string, string> = {
  'npm test': 'CI runs the test suite; running it from a test would recurse',
  'npx vitest run --project unit': 'CI runs the test suite',
  "FRESHET_ESDB_URL='esdb://localhost:2113?tls=false' npm test": 'needs an EventStoreDB server; CI runs it',
  'docker compose up -d eventstore': 'needs Docker',
  'FRESHET_TOKEN=<secret> docker compose up --build': 'needs Docker',
  'FRESHET_TOKEN=<secret> docker compose --profile cluster up --build': 'needs Docker',
  "FRESHET_TOKEN=<secret> freshet serve --host 0.0.0.0 --store 'postgres://freshet@db:5432/freshet?schema=freshet' --node-id node-1 --warehouse gateway --allow-gateway http://flink-gateway:8083 --misfire-threshold '60 s'":
    'needs a database host `db` and a gateway; test/cluster runs nodes on PostgreSQL',
  'npm run bench': 'benchmarks run for minutes; they are not a test',
  'npm run bench -- answers reads': 'benchmarks run for minutes; they are not a test',
  'npm link': 'installs a global symlink to ./bin/freshet.js, which this test runs directly',
};

const README_HOST = 'http://127.0.0.1:8083';
const TODAY = new Date().toISOString().slice(0, 10);
const FIVE_SECONDS = 5_000;

interface Occurrence { nominalTime: string; outcome: string; operationHandle: string | null; manual: boolean }
interface HistoryEvent { type: string; reason: string | null; actor: string; recordedAt: string }

const readme = new ReadmeCoverage(readmeCommands());
let dataDir: string;
let freshet: FreshetProcess;
let env: Record<string, string>;
let workflowId: string;

/** A README `curl "<url>"` line: the shell expands the URL (e.g. `$(date …)`), then it is fetched from the test's server. */
async function curl(command: string): Promise<{ status: number; body: unknown }> {
  const quoted = command.replace(/^curl\s+/, '').replaceAll(README_HOST, freshet.url).replaceAll('<workflowId>', workflowId);
  const expanded = await sh(`printf '%s' ${quoted}`, env);
  expect(expanded.code, `the shell expands ${quoted}: ${expanded.stderr}`).toBe(0);
  const url = new URL(expanded.stdout);
  return request(`${url.protocol}//${url.host}`, 'GET', `${url.pathname}${url.search}`);
}

beforeAll(async () => {
  dataDir = await tempDir('freshet-e2e-readme-');
  const port = await freePort();
  freshet = await startFreshet({ dataDir, port, env: { TZ: 'UTC' } });
  readme.mark('npm start');
  readme.mark('npm ci && npm start'); // npm start runs here; `npm ci` is CI's
  // The CLI finds the server through FRESHET_URL; `replay` opens the data directory itself.
  env = { FRESHET_URL: freshet.url, FRESHET_DATA_DIR: dataDir, TZ: 'UTC' };
}, 90_000); // a start on a loaded CI machine (other e2e files compile and start servers beside it)
afterEach(killShells);
afterAll(async () => {
  killShells();
  await killAll();
  await removeDir(dataDir);
});

describe('README quickstart, as written', () => {
  it('`npm start` is `freshet serve`; ./bin/freshet.js lists its commands; `cron next` previews the README example', async () => {
    const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // A larger young generation keeps in-flight fires from being promoted (see bench/fire-precision.ts).
    expect(scripts.start).toBe('node bin/build.js && node --max-semi-space-size=128 bin/freshet.js serve');
    // `npm start` compiles first; the build itself is checked in test/e2e/build.e2e.test.ts.
    expect(scripts.build).toBe('node bin/build.js');
    readme.mark('npm run build');
    readme.mark('freshet serve');
    // Neither needs the server: run side by side (each CLI start costs seconds on a small machine).
    const cronNext = readme.take('./bin/freshet.js cron next "');
    const commandHelp = readme.take('./bin/freshet.js <command> --help').replace('<command>', 'ops');
    const [help, cron, opsHelp] = await Promise.all([sh(readme.take('./bin/freshet.js', 'inline'), env), sh(cronNext, env), sh(commandHelp, env)]);
    expect(`${help.stdout}${help.stderr}`).toMatch(/sql[\s\S]*tables[\s\S]*workflows[\s\S]*trigger[\s\S]*refresh[\s\S]*ops[\s\S]*suspend[\s\S]*resume[\s\S]*events[\s\S]*replay[\s\S]*cron/);
    expect(`${help.stdout}${help.stderr}`).toMatch(/env: FRESHET_URL[\s\S]*env: FRESHET_TOKEN/);
    expect(opsHelp.stdout).toMatch(/Usage: freshet ops \[options\] <table>[\s\S]*--json/);
    expect(cron.code, cron.stderr).toBe(0);
    // `0 15 10 ? * 6L`: the last Friday of each month at 10:15 in Berlin, three of them.
    const lines = cron.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/ 10:15:00 \+0[12]:00 Europe\/Berlin$/);
  });

  it('1. creates the source table with 1000 rows', async () => {
    const r = await sh(readme.take('./bin/freshet.js sql "CREATE TABLE orders'), env);
    expect(r.code, r.stderr).toBe(0);
    expect(await query(freshet.url, 'SELECT count(*) FROM orders')).toEqual([[1000]]);
  });

  it('2. creates a partitioned materialized table on the cron 0/5 * * * * ? *', async () => {
    const r = await sh(readme.take('./bin/freshet.js sql "CREATE MATERIALIZED TABLE daily_revenue'), env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('daily_revenue');
    const table = await ok<{ status: string; definition: { cronExpression: string; partitionKeys: string[] } }>(freshet.url, 'GET', '/v1/materialized-tables/daily_revenue');
    expect(table).toMatchObject({ status: 'ACTIVATED', definition: { cronExpression: '0/5 * * * * ? *', partitionKeys: ['ds'] } });
  });

  it('3. `events tail` prints refreshes as they arrive (stopped with Ctrl-C)', async () => {
    const { headPosition } = await ok<{ headPosition: number }>(freshet.url, 'GET', '/readyz');
    const tail = follow(readme.take('./bin/freshet.js events tail'), env);
    // It prints the log so far, then follows it: wait for a refresh written after it started.
    // One line per refresh: table, partition, rows, duration, outcome.
    const live = () => [...tail.stdout().matchAll(/ {2}#(\d+) {2}freshet\.default\.daily_revenue ds=\S+: refreshed, \d+ rows/g)].some((m) => Number(m[1]) > headPosition);
    await until('a new RefreshFinished line from `events tail`', async () => (live() ? true : undefined), 20_000);
    const out = await tail.interrupt();
    expect(out.stdout).toMatch(/freshet\.default\.daily_revenue: workflow created by anonymous, cron 0\/5 \* \* \* \* \? \* in UTC/);
    // Local wall time (TZ=UTC here), then the position, then what happened.
    expect(out.stdout).toMatch(new RegExp(`^${TODAY} \\d\\d:\\d\\d:\\d\\d {2}#\\d+ {2}freshet\\.default\\.daily_revenue ds=${TODAY}: refreshed, 1 rows( \\(1 deleted\\))? in \\d+ ms, ok$`, 'm'));
    expect(out.stdout).not.toContain('FireClaimed');
  }, 30_000);

  it("4. the table answers by its name with today's refreshed partition", async () => {
    const r = await sh(readme.take('./bin/freshet.js sql "SELECT * FROM daily_revenue'), env);
    expect(r.code, r.stderr).toBe(0);
    // Every third order is today's: ids 0, 3, …, 999.
    // Piped output: plain columns, no box drawing.
    expect(r.stdout).toMatch(new RegExp(`^${TODAY} +334 +`, 'm'));
    expect(r.stdout).not.toContain('│');
  });

  it('5. suspends with a reason, lists it as suspended, resumes', async () => {
    const suspend = await sh(readme.take('./bin/freshet.js suspend daily_revenue'), env);
    expect(suspend.code, suspend.stderr).toBe(0);
    expect(suspend.stdout).toBe('`freshet`.`default`.`daily_revenue`: SUSPENDED (source backfill)\n');
    const list = await sh(readme.take('./bin/freshet.js workflows --status suspended'), env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/daily_revenue` +SUSPENDED .*source backfill \(by anonymous\)$/m);
    const resume = await sh(readme.take('./bin/freshet.js resume daily_revenue'), env);
    expect(resume.code, resume.stderr).toBe(0);
    const table = await ok<{ status: string; workflow: { status: string } }>(freshet.url, 'GET', '/v1/materialized-tables/daily_revenue');
    expect([table.status, table.workflow.status]).toEqual(['ACTIVATED', 'ACTIVE']);
  }, 45_000);

  it("6. refreshes today's partition now; `ops` lists it first with its partition and rows", async () => {
    const refresh = await sh(readme.take('./bin/freshet.js refresh daily_revenue --partition'), env);
    expect(refresh.code, refresh.stderr).toBe(0);
    const handle = /operation (\S+)$/.exec(refresh.stdout.trim())![1]!;
    await until('the refresh to finish', async () => {
      const op = await ok<{ status: string }>(freshet.url, 'GET', `/v1/operations/${handle}`);
      return ['FINISHED', 'CLOSED'].includes(op.status) ? true : undefined;
    }, 15_000);
    const ops = await sh(readme.take('./bin/freshet.js ops daily_revenue'), env);
    expect(ops.code, ops.stderr).toBe(0);
    expect(ops.stdout.split('\n')[0]).toMatch(/^submitted \(UTC\) +state +partition +rows +duration +error +operation$/);
    expect(ops.stdout).toContain(`ds=${TODAY}`);
    expect(ops.stdout).toContain(handle);
  }, 30_000);

  it('7. the workflowId, its next fire times, a manual fire, the occurrence ledger, the workflow a minute ago, its history', async () => {
    const list = await sh(readme.take('./bin/freshet.js workflows --json'), env);
    expect(list.code, list.stderr).toBe(0);
    const items = (JSON.parse(list.stdout) as { items: { workflowId: string; materializedTableIdentifier: string }[] }).items;
    workflowId = items.find((w) => w.materializedTableIdentifier.includes('daily_revenue'))!.workflowId;
    const withId = (c: string) => c.replaceAll('<workflowId>', workflowId);
    const next = await sh(withId(readme.take('./bin/freshet.js cron next --workflow')), env);
    expect(next.code, next.stderr).toBe(0);
    const nextLines = next.stdout.trim().split('\n');
    expect(nextLines).toHaveLength(3);
    for (const line of nextLines) expect(line).toMatch(/^\S+Z {2}\S+ \d\d:\d\d:\d[05] \+00:00 UTC$/);
    const trigger = await sh(withId(readme.take('./bin/freshet.js trigger')), env);
    expect(trigger.code, trigger.stderr).toBe(0);
    expect(trigger.stdout).toContain(`triggered ${workflowId}`);

    const ledger = await curl(readme.take('curl "http://127.0.0.1:8083/v1/workflows/<workflowId>/occurrences"'));
    expect(ledger.status).toBe(200);
    const fired = (ledger.body as { occurrences: Occurrence[] }).occurrences.filter((o) => o.outcome === 'succeeded' || o.outcome === 'running');
    expect(fired.length).toBeGreaterThan(0);
    expect(fired[0]!.operationHandle).toEqual(expect.any(String));

    // The operator's answers, by table name.
    const described = await sh(readme.take('./bin/freshet.js describe daily_revenue'), env);
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toMatch(/schedule {3}0\/5 \* \* \* \* \? \* \(quartz cron\) in UTC/);
    expect(described.stdout).toMatch(/freshness {2}5 SECOND; /);
    const outcomes = await sh(readme.take('./bin/freshet.js ledger daily_revenue --limit 5'), env);
    expect(outcomes.code, outcomes.stderr).toBe(0);
    expect(outcomes.stdout).toMatch(/succeeded/);
    const why = await sh(readme.take('./bin/freshet.js explain daily_revenue --at').replace('<nominalTime>', fired[0]!.nominalTime), env);
    expect(why.code, why.stderr).toBe(0);
    expect(why.stdout).toMatch(/: (a fire time|not a fire time), (succeeded|running)\n/);
    expect(why.stdout).toContain(fired[0]!.operationHandle!);
    const audit = await sh(readme.take('./bin/freshet.js history daily_revenue'), env);
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/WorkflowSuspended +anonymous +source backfill/);
    const plan = await sh(readme.take('./bin/freshet.js backfill daily_revenue --from'), env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/`freshet`\.`default`\.`daily_revenue`: 4 refreshes/);

    const history = await curl(readme.take('curl "http://127.0.0.1:8083/v1/workflows/<workflowId>/history"'));
    expect(history.status).toBe(200);
    const events = (history.body as { events: HistoryEvent[] }).events;
    const suspended = events.find((e) => e.type === 'WorkflowSuspended');
    const resumed = events.find((e) => e.type === 'WorkflowResumed');
    expect(suspended).toMatchObject({ reason: 'source backfill', actor: 'anonymous' });
    expect(resumed).toBeDefined();

    // "A minute ago" answers the workflow as it stood then, or, when it was created less than a minute ago (as here),
    // a 404 that says so.
    const asOf = await curl(readme.take('curl "http://127.0.0.1:8083/v1/workflows/<workflowId>?asOf='));
    const created = Date.parse(events.find((e) => e.type === 'WorkflowCreated')!.recordedAt); // history is newest first
    if (created > Date.now() - 60_000) {
      expect(asOf.status, JSON.stringify(asOf.body)).toBe(404);
      expect(asOf.body).toEqual({ errors: [expect.stringMatching(/did not exist at \d{4}-\d\d-\d\dT/)] });
    } else {
      expect(asOf.status, JSON.stringify(asOf.body)).toBe(200);
      expect(asOf.body).toMatchObject({ workflowId });
    }
    // The same route between the suspend and the resume shows the workflow suspended, with its reason.
    const between = new Date((Date.parse(suspended!.recordedAt) + Date.parse(resumed!.recordedAt)) / 2).toISOString();
    const then = await ok(freshet.url, 'GET', `/v1/workflows/${workflowId}?asOf=${between}`);
    expect(then).toMatchObject({ workflowId, status: 'SUSPENDED', suspendReason: 'source backfill' });
  }, 30_000);

  it('8. stopped with Ctrl-C and started again, `tables` shows the same table and the ledger has no gap', async () => {
    await freshet.stop('SIGINT');
    expect(freshet.stderr()).toContain('freshet stopped.');
    freshet = await startFreshet({ dataDir, port: freshet.port, env: { TZ: 'UTC' } });
    const restartedAt = Date.now();
    const tables = sh(readme.take('./bin/freshet.js tables'), env);
    // Every 5-second slot from the first fire up to a fire after the restart has one recorded outcome (fires
    // missed while suspended or down are settled by the misfire policy, not lost).
    const ledger = await until('a fire after the restart', async () => {
      const { occurrences } = await ok<{ occurrences: Occurrence[] }>(freshet.url, 'GET', `/v1/workflows/${workflowId}/occurrences`);
      // The scheduled slots; the manual fire of step 7 is off the 5-second grid.
      const settled = occurrences.filter((o) => o.outcome !== 'claimed' && !o.manual);
      return settled.some((o) => Date.parse(o.nominalTime) > restartedAt) ? settled : undefined;
    }, 15_000, 250);
    const listed = await tables;
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/`freshet`\.`default`\.`daily_revenue` +ACTIVATED +5 SECOND/);
    const times = ledger.map((o) => Date.parse(o.nominalTime)).sort((a, b) => a - b);
    expect(times.slice(1).map((t, i) => t - times[i]!).filter((gap) => gap !== FIVE_SECONDS), 'gaps in the ledger').toEqual([]);
  }, 40_000);

  it('9. `replay --verify` prints OK', async () => {
    const r = await sh(readme.take('./bin/freshet.js replay --verify'), env);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^OK: 6 of 6 checks passed /);
  });

  it('the API is described at /docs, and the console is served at /', async () => {
    const docs = await fetch(`${freshet.url}/docs`);
    expect(docs.status).toBe(200);
    const console = await fetch(`${freshet.url}/`);
    expect(console.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await console.text()).toContain('<script type="module" src="/console/app.mjs">');
  });

  it('every command in the README was run above or is exempt for a stated reason', () => {
    expect(readme.missing(EXEMPT)).toEqual([]);
    const stale = Object.keys(EXEMPT).filter((c) => !readme.commands.some((r) => r.text === c));
    expect(stale, 'exemptions for commands no longer in the README').toEqual([]);
  });
});
