import type { Command } from 'commander';
import { clientOf, usage } from './client.ts';
import { outputOf } from './output.ts';
import { timeView } from './times.ts';

/** Follows the server's Server-Sent-Events log; resumes after the last id it printed when the connection drops. */
export function registerEventsCommands(program: Command): void {
  const events = program.command('events').description('The event log');
  events
    .command('tail')
    .description('Follow the event log as it is written, one line per thing that happened (Ctrl-C to stop)')
    .option('--from <position>', 'start after this global position (default: the whole log, then new events)')
    .option('--stream <prefix>', 'only streams starting with this prefix (e.g. workflow-)')
    .option('--type <type>', 'only events of this type (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--utc', 'show times in UTC instead of the local zone')
    .option('--json', 'the full events, one JSON document per line')
    .action(async (o: { from?: string; stream?: string; type?: string[]; json?: boolean; utc?: boolean }, command: Command) => {
      if (o.from !== undefined && !/^\d+$/.test(o.from)) usage(`--from '${o.from}': give a global position, a whole number (e.g. 0).`);
      const out = outputOf(command);
      const stop = new AbortController();
      // `| head -1` closes the pipe: end quietly instead of dying on EPIPE.
      const onError = (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
        stop.abort();
      };
      process.stdout.on('error', onError);
      const view = timeView(o.utc);
      // Loaded here: the SSE parser is for this long-running command only.
      const { tailEvents } = await import('./tail.ts');
      try {
        await tailEvents(
          { ...(o.from !== undefined ? { from: Number(o.from) } : {}), ...(o.stream ? { stream: o.stream } : {}), types: o.type ?? [], json: o.json === true, time: view.cell },
          {
            client: clientOf(command),
            write: (line) => (stop.signal.aborted ? undefined : out.writeOut(`${line}\n`)),
            warn: (line) => out.writeErr(`freshet events tail: ${line}\n`),
            sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
            signal: stop.signal,
          },
        );
      } finally {
        process.stdout.off('error', onError);
      }
    });
}
