/**
 * Defect 4 of issue 11 (the server side): nothing was logged at the default level when a workflow or table changed
 * state. Now each state change is one readable info line; `--log-format json` keeps pino's JSON for machines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT, removeDir, tempDir, until } from '../e2e/support/freshet-process.ts';

let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (child?.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  await removeDir(dir);
});

async function serve(format: 'pretty' | 'json'): Promise<{ url: string; stdout: () => string }> {
  dir = await tempDir('freshet-log-');
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FRESHET_')));
  child = spawn(process.execPath, ['bin/freshet.js', 'serve', '--port', String(port), '--data-dir', dir, '--store', 'memory', '--time-zone', 'UTC', '--log-format', format], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  await until('the banner', async () => (stderr.includes('freshet listening') ? true : undefined), 20_000);
  return { url: `http://127.0.0.1:${port}`, stdout: () => stdout };
}

async function createAndSuspend(url: string): Promise<void> {
  const post = (path: string, body: unknown) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await post('/v3/workflow/embedded-scheduler/create', { materializedTableIdentifier: '`c`.`d`.`t`', cronExpression: '0 0 * * * ?' })).status).toBe(200);
  const list = (await (await fetch(`${url}/v1/workflows`)).json()) as { items: { workflowId: string }[] };
  expect((await post(`/v1/workflows/${list.items[0]!.workflowId}/suspend`, { reason: 'maintenance' })).status).toBe(200);
}

describe('the server logs state changes at info, at the default log level', () => {
  it('pretty: one readable line per change', async () => {
    const server = await serve('pretty');
    await createAndSuspend(server.url);
    await until('the suspend line', async () => (server.stdout().includes('workflow suspended') ? true : undefined), 10_000);
    expect(server.stdout()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}c\.d\.t: workflow created by anonymous, cron 0 0 \* \* \* \? in UTC event=WorkflowCreated/m);
    expect(server.stdout()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}c\.d\.t: workflow suspended by anonymous \(maintenance\) event=WorkflowSuspended/m);
    expect(server.stdout()).not.toContain('incoming request'); // request logs stay at the default warn
  }, 40_000);

  it('json: pino records with the same message', async () => {
    const server = await serve('json');
    await createAndSuspend(server.url);
    await until('the suspend record', async () => (server.stdout().includes('WorkflowSuspended') ? true : undefined), 10_000);
    const records = server.stdout().trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string; event?: string });
    expect(records.find((r) => r.event === 'WorkflowSuspended')).toMatchObject({ level: 30, msg: 'c.d.t: workflow suspended by anonymous (maintenance)' });
  }, 40_000);
});
