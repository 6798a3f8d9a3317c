import type { Command } from 'commander';
import { createParser } from 'eventsource-parser';
import { authHeaders, CliError, serverUrl } from './client.ts';

/** Follows the server's Server-Sent-Events log; resumes after the last id it printed when the connection drops. */
export function registerEventsCommands(program: Command): void {
  const events = program.command('events').description('The event log');
  events
    .command('tail')
    .description('Follow the event log as it is written (Ctrl-C to stop)')
    .option('--from <position>', 'start after this global position (default: the whole log, then new events)')
    .option('--stream <prefix>', 'only streams starting with this prefix (e.g. workflow-)')
    .option('--type <type>', 'only events of this type (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--json', 'one JSON document per line')
    .action(async (o: { from?: string; stream?: string; type?: string[]; json?: boolean }) => {
      const params = new URLSearchParams();
      if (o.from !== undefined) params.set('from', o.from);
      if (o.stream) params.set('stream', o.stream);
      for (const t of o.type ?? []) params.append('type', t);
      let lastId: string | undefined;
      for (;;) {
        const headers: Record<string, string> = { ...authHeaders(), accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) };
        let response: Response;
        try {
          response = await fetch(`${serverUrl()}/v1/events/stream?${params}`, { headers });
        } catch (error) {
          throw new CliError(`Cannot reach freshet at ${serverUrl()}: ${(error as Error).message}. Start it with \`npm start\`.`, 3);
        }
        if (!response.ok || !response.body) throw new CliError(`The event stream answered ${response.status}: ${await response.text()}`, 1);
        const parser = createParser({
          onEvent: (message) => {
            if (message.id) lastId = message.id;
            if (!message.data) return;
            const e = JSON.parse(message.data) as { position: number; streamName: string; type: string; recordedAt: string; data: unknown; metadata?: { actor?: string; reason?: string } };
            if (o.json) process.stdout.write(`${message.data}\n`);
            else {
              const who = e.metadata?.actor ? ` by ${e.metadata.actor}${e.metadata.reason ? ` (${e.metadata.reason})` : ''}` : '';
              const data = JSON.stringify(e.data);
              process.stdout.write(`${e.recordedAt}  #${e.position}  ${e.type}${who}  ${data.length > 120 ? `${data.slice(0, 117)}...` : data}\n`);
            }
          },
        });
        const decoder = new TextDecoder();
        try {
          for await (const chunk of response.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
        } catch {
          // The server went away mid-stream: reconnect after the last id, as EventSource would.
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    });
}
