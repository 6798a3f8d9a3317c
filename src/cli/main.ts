import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { CliError } from './client.ts';
import { registerClientCommands } from './commands.ts';
import { registerCronCommands } from './cron.ts';
import { registerEventsCommands } from './events-tail.ts';
import { registerReplay } from './replay.ts';
import { registerServe } from './serve.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Exit codes: 0 ok, 1 the server refused or a check failed, 2 bad usage or input, 3 freshet not reachable. */
export function buildProgram(): Command {
  const program = new Command('freshet')
    .description('Keeps materialized tables fresh: a durable, observable workflow scheduler compatible with Flink SQL Gateway')
    .version(version)
    .exitOverride();
  registerServe(program);
  registerClientCommands(program);
  registerEventsCommands(program);
  registerReplay(program);
  registerCronCommands(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof CliError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
