import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: `npm start` and `./bin/freshet.js` run from here, as in the README. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Asks the kernel for a port nobody listens on (listen on 0, read it, let it go). */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => ok(port));
    });
  });
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes; no fixed sleeps beyond the poll step. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

export interface FreshetProcess {
  url: string;
  port: number;
  dataDir: string;
  /** Everything the process group wrote to stderr so far (npm's banner, freshet's start and stop lines). */
  stderr(): string;
  /** Sends `signal` to the whole process group (npm, sh, node), as a terminal's Ctrl-C does, and waits until all exited. */
  stop(signal: NodeJS.Signals, timeoutMs?: number): Promise<void>;
  /** SIGKILL to the group, immediately; waits until every process is gone. Safe to call twice. */
  kill(): Promise<void>;
}

const running = new Set<FreshetProcess>();

/** Kills every freshet this test file started and did not stop (afterEach / afterAll, also after a failure). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill()));
}

export interface StartOptions {
  dataDir: string;
  port: number;
  env?: Record<string, string>;
  /** The README's `npm start` (default) or `node bin/freshet.js serve` directly. */
  command?: 'npm start' | 'node';
  readyTimeoutMs?: number;
}

/**
 * Starts freshet as the README does (`npm start`, which runs `node bin/freshet.js serve`) in its own process group,
 * configured through FRESHET_* variables, and waits until /readyz answers 200.
 */
export async function startFreshet(options: StartOptions): Promise<FreshetProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FRESHET_DATA_DIR: options.dataDir,
    FRESHET_PORT: String(options.port),
    FRESHET_HOST: '127.0.0.1',
    FRESHET_TIME_ZONE: 'UTC',
    ...options.env,
  };
  delete env.FRESHET_TOKEN;
  const [file, args] = options.command === 'node' ? [process.execPath, ['bin/freshet.js', 'serve']] : ['npm', ['start']];
  const child: ChildProcess = spawn(file, args, { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`Could not spawn ${file} ${args.join(' ')}`);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited (code ${code}, signal ${signal})`;
  });
  const url = `http://127.0.0.1:${options.port}`;
  const waitGone = (what: string, timeoutMs: number) => until(`${what}: the freshet process group to exit`, async () => (groupAlive(pgid) ? undefined : true), timeoutMs, 50);
  const proc: FreshetProcess = {
    url,
    port: options.port,
    dataDir: options.dataDir,
    stderr: () => stderr,
    async stop(signal, timeoutMs = 15_000) {
      if (groupAlive(pgid)) process.kill(-pgid, signal);
      await waitGone(signal, timeoutMs);
      running.delete(proc);
    },
    async kill() {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
      await waitGone('SIGKILL', 5_000);
      running.delete(proc);
    },
  };
  running.add(proc);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      await proc.kill();
      throw new Error(`freshet ${exited} before it was ready; stderr:\n${stderr}`);
    }
    const status = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (Date.now() > deadline) {
      await proc.kill();
      throw new Error(`freshet did not answer ${url}/readyz with 200 in time; stderr:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return proc;
}
