import { Command, CommanderError, Option, type OutputConfiguration } from 'commander';
import { createRequire } from 'node:module';
import { CliError, defaultServerUrl } from './client.ts';
import { registerAnswers } from './answers.ts';
import { registerArchive } from './archive.ts';
import { registerBackfill } from './backfill.ts';
import { registerDescribe } from './describe.ts';
import { registerClientCommands } from './commands.ts';
import { registerCronCommands } from './cron.ts';
import { registerEventsCommands } from './events-tail.ts';
import { registerReplay } from './replay.ts';
import { registerServe } from './serve.ts';
import { registerVerbs } from './verbs.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const EXIT_CODES = 'Exit codes: 0 ok, 1 the server refused or a check failed, 2 bad usage or input, 3 freshet not reachable.';

/** Exit codes: 0 ok, 1 the server refused or a check failed, 2 bad usage or input, 3 freshet not reachable. */
/** `output` (tests) is set before the subcommands exist, so Commander's own messages of every subcommand use it. */
export function buildProgram(output?: OutputConfiguration): Command {
  const program = new Command('freshet');
  if (output) program.configureOutput(output);
  program
    .description('Keeps materialized tables fresh: a durable, observable workflow scheduler compatible with Flink SQL Gateway')
    .version(version)
    // Commander's own env handling: `--help` shows "(env: FRESHET_URL)", and a flag wins over the variable.
    .addOption(new Option('--url <url>', 'where the running freshet answers').env('FRESHET_URL').default(defaultServerUrl()))
    .addOption(new Option('--token <token>', 'bearer token of a freshet started with FRESHET_TOKEN').env('FRESHET_TOKEN'))
    .addHelpText('after', `\n${EXIT_CODES}`)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerServe(program);
  registerClientCommands(program);
  registerVerbs(program);
  registerAnswers(program);
  registerBackfill(program);
  registerDescribe(program);
  registerEventsCommands(program);
  registerReplay(program);
  registerArchive(program);
  registerCronCommands(program);
  // Every subcommand inherits exitOverride (so runCli maps usage errors to 2) and the output of the root.
  return program;
}

/** Runs one command line; returns the exit code (main sets it; nothing here calls process.exit). */
export async function runCli(argv: string[], program = buildProgram()): Promise<number> {
  const writeErr = (s: string) => (program.configureOutput().writeErr ?? ((x: string) => process.stderr.write(x)))(s);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliError) {
      writeErr(`error: ${error.message}\n`);
      return error.exitCode;
    }
    writeErr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
