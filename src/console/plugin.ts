import { fileURLToPath } from 'node:url';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock/index.ts';
import type { EventStore } from '../events/index.ts';
import type { MaterializedTableManager } from '../refresh/index.ts';
import { type Asset, loadAssets } from './assets.ts';
import { OVERVIEW_STATUSES, type OverviewStatus, overviewPage } from './overview.ts';

export interface ConsoleOptions {
  store: EventStore;
  tables: MaterializedTableManager;
  clock: Clock;
}

/** Everything the pages load comes from here; the policy makes a request anywhere else fail in the browser. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const ErrorBody = Type.Object({ errors: Type.Array(Type.String()) });
const Nullable = <T extends 'string' | 'number'>(type: T) => Type.Unsafe<(T extends 'string' ? string : number) | null>({ type: [type, 'null'] });
const Row = Type.Object({
  identifier: Type.String(), workflowId: Nullable('string'), status: Type.String(), reason: Nullable('string'), suspendedBy: Nullable('string'),
  cronExpression: Nullable('string'), timeZone: Type.String(), freshness: Type.String(), freshnessMs: Type.Number(), stalenessMs: Nullable('number'),
  behind: Type.Boolean(), nextFire: Nullable('string'), lastFire: Nullable('string'), lastOutcome: Nullable('string'), lastError: Nullable('string'),
  consecutiveFailures: Type.Integer(), refreshing: Type.Boolean(),
});

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset) {
  void reply.header('content-type', asset.type).header('etag', asset.etag).header('cache-control', 'no-cache').header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('vary', 'accept-encoding');
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(asset.gzip);
  return reply.send(asset.body);
}

/** The web console: its page at `/`, its files under `/console/`, and the one read it needs that /v1 lacks. */
export function consolePlugin(options: ConsoleOptions): FastifyPluginAsyncTypebox {
  const assets = loadAssets(fileURLToPath(new URL('./assets/', import.meta.url)));
  return async (app) => {
    // The page and its scripts hold no data (everything comes from the API with the session), hence public.
    const page = { config: { public: true }, schema: { hide: true } } as const;
    app.get('/', page, async (request, reply) => send(request, reply, assets.get('index.html')!));
    app.get('/console/:name', { ...page, schema: { hide: true, params: Type.Object({ name: Type.String({ maxLength: 100 }) }) } }, async (request, reply) => {
      const asset = assets.get(request.params.name);
      if (asset === undefined) return reply.code(404).send({ errors: [`The console has no file '${request.params.name.slice(0, 100)}'.`] });
      return send(request, reply, asset);
    });

    // GET /v1/materialized-tables answers every table in full; the overview needs a filtered page of a few fields.
    app.get(
      '/v1/console/overview',
      {
        schema: {
          tags: ['tables'],
          summary: "The console's overview: one row per table, filtered and paged, with the log position it was read at",
          querystring: Type.Object({
            q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the table identifier.' })),
            status: Type.Optional(Type.Unsafe<OverviewStatus>({ type: 'string', enum: [...OVERVIEW_STATUSES] })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          }),
          response: { 200: Type.Object({ position: Type.Integer(), now: Type.String(), total: Type.Integer(), offset: Type.Integer(), limit: Type.Integer(), rows: Type.Array(Row) }), '4xx': ErrorBody, '5xx': ErrorBody },
        },
      },
      async (request) => {
        const { q, status, offset = 0, limit = 50 } = request.query;
        // The position first: an event after it reaches the page through the stream, so none falls between.
        const position = await options.store.headPosition();
        const now = options.clock.now();
        const page = overviewPage(await options.tables.listTables(), { ...(q ? { q } : {}), ...(status ? { status } : {}), offset, limit });
        return { position, now: new Date(now).toISOString(), total: page.total, offset, limit, rows: page.rows };
      },
    );
  };
}
