import { spawn } from 'node:child_process';
import type { CliResult } from './run.ts';
import { REPO_ROOT } from '../../e2e/support/freshet-process.ts';
import { type ApiHarness, type ApiHarnessOptions, openApi } from '../../api/support/api-harness.ts';

/** The CLI as a user runs it: `node bin/freshet.js …` (or a shell line), killed if it has not ended in time. */
export function cliProcess(args: string[], env: Record<string, string> = {}, timeoutMs = 20_000): Promise<CliResult & { signal: string | null }> {
  return shell(`exec node bin/freshet.js ${args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')}`, env, timeoutMs);
}

export function shell(command: string, env: Record<string, string> = {}, timeoutMs = 20_000): Promise<CliResult & { signal: string | null }> {
  // The test's own FRESHET_* settings must not leak into the command: only what the test passes.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FRESHET_')));
  const child = spawn('sh', ['-c', command], { cwd: REPO_ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, signal, out, err });
    });
  });
}

/** A real freshet API (fastify listening on a free port) over the harness's runtime. */
export async function listeningApi(options: ApiHarnessOptions = {}): Promise<ApiHarness & { url: string }> {
  const api = await openApi(options);
  const url = await api.app.listen({ host: '127.0.0.1', port: 0 });
  return { ...api, url };
}
