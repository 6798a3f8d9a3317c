import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { EventStore, LogFilter } from '../../events/index.ts';
import { ApiRequestError } from '../errors.ts';
import { listParam } from '../params.ts';
import { errorResponses } from '../schemas/common.ts';
import { LogEvent, LogFilterQuery } from '../schemas/events.ts';
import { type SseOptions, type SseStreams, streamLog } from '../sse.ts';

const tags = ['events'];
const From = Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0, description: 'Events after this global position (exclusive); 0 = from the start.' }));

function filterOf(q: { stream?: string[]; type?: string[] }): LogFilter {
  const streamPrefix = listParam(q.stream);
  const eventTypes = listParam(q.type);
  return { ...(streamPrefix ? { streamPrefix } : {}), ...(eventTypes ? { eventTypes } : {}) };
}

/** `Last-Event-ID` (sent by a reconnecting EventSource) wins over `from`, which stays in the reconnect URL. */
function resumePoint(header: string | string[] | undefined, from: number): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return from;
  if (!/^\d{1,15}$/.test(value.trim())) throw new ApiRequestError('invalid', `Last-Event-ID '${value}' is not a global position (a whole number sent as an SSE id).`);
  return Number(value.trim());
}

/** The global event log: paged reads, and a Server-Sent-Events subscription with the same filters. */
export function eventRoutes(store: EventStore, streams: SseStreams, sse: SseOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/events',
      {
        schema: {
          tags,
          summary: 'Read the global log, paged',
          querystring: Type.Object({ from: From, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })), ...LogFilterQuery }),
          response: { 200: Type.Object({ events: Type.Array(LogEvent), nextFrom: Type.Integer({ description: 'Pass as `from` for the next page.' }) }), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const from = q.from ?? 0;
        const events = await store.readAll({ after: from, maxCount: q.limit ?? 100, filter: filterOf(q) });
        return { events, nextFrom: events.at(-1)?.position ?? from };
      },
    );

    app.get(
      '/events/stream',
      {
        schema: {
          tags,
          summary: 'Subscribe to the global log (Server-Sent Events; id = global position; resumes after Last-Event-ID)',
          querystring: Type.Object({ from: From, ...LogFilterQuery }),
          headers: Type.Object({ 'last-event-id': Type.Optional(Type.String()) }),
          response: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: Type.String() } } }, ...errorResponses },
        },
      },
      async (request, reply) => {
        const after = resumePoint(request.headers['last-event-id'], request.query.from ?? 0);
        streamLog(request, reply, store, streams, after, filterOf(request.query), sse);
      },
    );
  };
}
