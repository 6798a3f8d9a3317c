import { createParser } from 'eventsource-parser';
import { type Client, CliError } from './client.ts';
import { createDescriber, type LogEventView } from './describe-event.ts';

export interface TailOptions {
  from?: number;
  stream?: string;
  types: string[];
  json: boolean;
  /** Local wall time of an instant, as the lines show it. */
  time(iso: string): string;
}

export interface TailDeps {
  client: Client;
  write(line: string): void;
  warn(line: string): void;
  /** Waits before a reconnect; injected so tests await it instead of sleeping. */
  sleep(ms: number): Promise<void>;
  /** Ends the tail (Ctrl-C, a closed stdout). */
  signal: AbortSignal;
}

/** 0.25 s, 0.5 s, 1 s, … up to 10 s between reconnects: quick after a blip, gentle on a server that stays down. */
export function backoffMs(failures: number): number {
  return Math.min(10_000, 250 * 2 ** Math.max(0, failures - 1));
}

/**
 * Follows the log over SSE. When the connection drops (a restart), it reconnects with backoff and resumes after the
 * last position it printed (Last-Event-ID); positions at or before that one are dropped, so nothing prints twice.
 * Only a first connection that fails ends it (exit 3): then there is no server to wait for.
 */
export async function tailEvents(o: TailOptions, deps: TailDeps): Promise<void> {
  const describe = createDescriber();
  let last = o.from ?? 0;
  let connected = false;
  let failures = 0;
  while (!deps.signal.aborted) {
    const params = new URLSearchParams({ from: String(last) });
    if (o.stream) params.set('stream', o.stream);
    for (const t of o.types) params.append('type', t);
    let response: Response;
    try {
      response = await fetch(`${deps.client.url}/v1/events/stream?${params}`, {
        headers: { ...deps.client.headers(), accept: 'text/event-stream', ...(last > 0 ? { 'last-event-id': String(last) } : {}) },
        signal: deps.signal,
      });
    } catch (error) {
      if (deps.signal.aborted) return;
      if (!connected) throw new CliError(`Cannot reach freshet at ${deps.client.url}: ${causeOf(error)}. Start it with \`npm start\`, or set FRESHET_URL (--url).`, 3);
      failures += 1;
      deps.warn(`freshet at ${deps.client.url} does not answer (${causeOf(error)}); retrying in ${backoffMs(failures) / 1000} s, resuming after #${last}`);
      await deps.sleep(backoffMs(failures));
      continue;
    }
    if (!response.ok || !response.body) {
      const text = await response.text();
      throw new CliError(`The event stream answered ${response.status}: ${text}`, response.status === 400 ? 2 : 1);
    }
    if (connected && failures > 0) deps.warn(`reconnected to ${deps.client.url}, resuming after #${last}`);
    connected = true;
    failures = 0;
    const parser = createParser({
      onEvent: (message) => {
        if (!message.data) return;
        const e = JSON.parse(message.data) as LogEventView;
        if (e.position <= last) return; // already printed before the reconnect
        last = e.position;
        if (o.json) deps.write(message.data);
        else {
          const line = describe(e);
          if (line !== undefined) deps.write(`${o.time(e.recordedAt)}  #${e.position}  ${line}`);
        }
      },
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      // The server went away mid-stream (or the tail was stopped): reconnect after the last id, as EventSource would.
    }
    if (deps.signal.aborted) return;
    failures += 1;
    deps.warn(`the event stream ended; reconnecting in ${backoffMs(failures) / 1000} s, resuming after #${last}`);
    await deps.sleep(backoffMs(failures));
  }
}

function causeOf(error: unknown): string {
  const e = error as Error;
  return e.cause instanceof Error ? e.cause.message : e.message;
}
