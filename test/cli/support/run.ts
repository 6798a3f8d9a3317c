import { buildProgram, runCli } from '../../../src/cli/program.ts';

export interface CliResult { code: number; out: string; err: string }

/** The CLI in this process, its output captured (not a terminal, as when piped); `--url` names the server. */
export async function cli(...args: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const program = buildProgram({ writeOut: (s) => { out += s; }, writeErr: (s) => { err += s; } });
  process.exitCode = undefined;
  const code = await runCli(args, program);
  process.exitCode = undefined;
  return { code, out, err };
}

