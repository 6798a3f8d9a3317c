/**
 * The read model's guards as an operator meets them, through `freshet serve`: a garbage projections.sqlite is
 * rebuilt and the start says so (it used to print `file is not a database` and hang), and a read model left
 * beside a lost log stops the process with exit 1 and what to do (it used to start with ghost workflows).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runWithWorkflows } from '../projections/read-model-support.ts';
import { freePort, killAll, removeDir, REPO_ROOT, startFreshet, tempDir } from './support/freshet-process.ts';

let dataDir: string;
afterEach(killAll);
afterAll(() => removeDir(dataDir));

function serve(dir: string, port: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/freshet.js', 'serve', '--data-dir', dir, '--port', String(port)], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

describe('freshet serve and its read model', () => {
  it('a garbage projections.sqlite: moved aside, rebuilt, said before the banner, which counts the real workflows', async () => {
    dataDir = await tempDir('freshet-e2e-guard-');
    mkdirSync(dataDir, { recursive: true });
    await runWithWorkflows(dataDir, 'sqlite', ['a', 'b']);
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `projections.sqlite${suffix}`), { force: true });
    writeFileSync(join(dataDir, 'projections.sqlite'), randomBytes(4096));
    const freshet = await startFreshet({ dataDir, port: await freePort(), command: 'node' });
    const stderr = freshet.stderr();
    expect(stderr).toMatch(/freshet: The read model \S+projections\.sqlite could not be read \(SQLITE_NOTADB: file is not a database\); it was moved aside to \S+projections\.sqlite\.corrupt-\S+ and is rebuilt from the event log\.\nfreshet listening on .*2 workflow\(s\)/);
    expect(readdirSync(dataDir).some((f) => f.startsWith('projections.sqlite.corrupt-'))).toBe(true);
    await freshet.stop('SIGTERM');
  }, 40_000);

  it('a read model beside a lost log: exit 1 with what to do, no ghost workflows served', async () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `events.sqlite${suffix}`), { force: true });
    const r = await serve(dataDir, await freePort());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: The read model \S+ is ahead of its event log \S+events\.sqlite: it reflects the log up to position \d+, the log ends at position 0\./);
    expect(r.stderr).not.toContain('freshet listening');
  }, 30_000);
});
