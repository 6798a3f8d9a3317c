import type { ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventStore, LogFilter, RecordedEvent } from '../events/index.ts';

export interface SseOptions {
  /** A comment line this often keeps proxies and idle timeouts from closing a quiet stream. */
  heartbeatMs: number;
  /** A client this far behind (bytes queued in the socket) is cut off; it resumes with Last-Event-ID. */
  maxBufferedBytes: number;
  /** How long a browser's EventSource waits before reconnecting. */
  retryMs: number;
}

/** The open SSE streams of one server, so shutdown can end them (they would otherwise hold close() open). */
export class SseStreams {
  private readonly open = new Set<() => void>();

  get size(): number {
    return this.open.size;
  }

  track(end: () => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  endAll(): void {
    for (const end of [...this.open]) end();
  }
}

const frame = (e: RecordedEvent): string => {
  const view = { position: e.position, streamName: e.streamName, version: e.version, id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata, recordedAt: e.recordedAt };
  // The SSE id is the global position: a reconnecting EventSource sends it back as Last-Event-ID.
  return `id: ${e.position}\ndata: ${JSON.stringify(view)}\n\n`;
};

/**
 * Streams the global log as Server-Sent Events from `after` (exclusive): the store's subscription catches up
 * and then goes live without gaps or duplicates, so resuming after the last id seen loses nothing.
 */
export function streamLog(request: FastifyRequest, reply: FastifyReply, store: EventStore, streams: SseStreams, after: number, filter: LogFilter, options: SseOptions): void {
  reply.hijack();
  const raw: ServerResponse = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(`retry: ${options.retryMs}\n: subscribed after position ${after}\n\n`);

  let ended = false;
  let subscription: Subscription | undefined;
  const end = (): void => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    subscription?.unsubscribe();
    untrack();
    if (!raw.writableEnded) raw.end();
  };
  const write = (text: string): void => {
    if (ended) return;
    raw.write(text);
    if (raw.writableLength > options.maxBufferedBytes) {
      request.log.warn({ after, buffered: raw.writableLength }, 'SSE client too slow; closing its stream (it can resume with Last-Event-ID)');
      end();
    }
  };
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs);
  const untrack = streams.track(end);
  subscription = store.subscribe({ after, filter }).subscribe({
    next: (e) => write(frame(e)),
    error: (error: unknown) => {
      request.log.error({ err: error }, 'SSE subscription failed');
      write(`event: error\ndata: ${JSON.stringify({ errors: [`The event subscription failed: ${error instanceof Error ? error.message : String(error)}`] })}\n\n`);
      end();
    },
    complete: end,
  });
  if (ended) subscription.unsubscribe(); // the catch-up ended it synchronously
  raw.on('close', end);
}
