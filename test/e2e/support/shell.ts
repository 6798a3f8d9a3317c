import { spawn } from 'node:child_process';
import { REPO_ROOT } from './freshet-process.ts';

export interface ShellResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A command running in its own process group (sh and what it starts), so that it can be stopped as a whole. */
export interface Follower {
  stdout(): string;
  stderr(): string;
  /** SIGINT (Ctrl-C) to the group; SIGKILL if it has not exited within a second. Resolves with what it printed. */
  interrupt(): Promise<ShellResult>;
}

const live = new Set<() => void>();

/** Kills every command still running (afterEach, also after a failure). */
export function killShells(): void {
  for (const kill of [...live]) kill();
}

/** Runs `command` exactly as written through `sh -c`, from the repository root, as a newcomer's terminal would. */
export function follow(command: string, env: Record<string, string>): Follower & { done: Promise<ShellResult> } {
  const child = spawn('sh', ['-c', command], { cwd: REPO_ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const kill = () => signalGroup('SIGKILL');
  live.add(kill);
  const done = new Promise<ShellResult>((ok) => {
    child.once('close', (code, signal) => {
      live.delete(kill);
      ok({ code, signal, stdout, stderr });
    });
  });
  return {
    done,
    stdout: () => stdout,
    stderr: () => stderr,
    async interrupt() {
      signalGroup('SIGINT');
      const timer = setTimeout(kill, 1_000);
      const result = await done;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Runs a command to its end (killed after `timeoutMs`). */
export async function sh(command: string, env: Record<string, string>, timeoutMs = 20_000): Promise<ShellResult> {
  const running = follow(command, env);
  const timer = setTimeout(() => void running.interrupt(), timeoutMs);
  const result = await running.done;
  clearTimeout(timer);
  return result;
}
