import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Clock } from '../clock/index.ts';
import { consolePlugin } from '../console/index.ts';
import type { EventStore } from '../events/index.ts';
import type { BackfillService, MaterializedTableManager } from '../refresh/index.ts';
import { GatewayAllowList } from '../flink-gateway-client/index.ts';
import type { EmbeddedWorkflowScheduler } from '../workflow-scheduler/index.ts';
import { authPlugin, CookieSessions } from './auth.ts';
import { registerDocs } from './docs.ts';
import { classify, toHttp } from './errors.ts';
import { hostCheckPlugin, LOOPBACK_NAMES } from './host-check.ts';
import { DEFAULT_VERSION, flinkGatewayRoutes, GATEWAY_VERSIONS, registerGatewayProxy, SessionRegistry, type SessionOptions } from './flink/index.ts';
import { finiteNumbers } from './params.ts';
import { FreshetMetrics } from './metrics/freshet-metrics.ts';
import { cronRoutes } from './routes/cron.ts';
import { eventRoutes } from './routes/events.ts';
import { flinkWorkflowRoutes } from './routes/flink-workflow.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { tableRoutes } from './routes/tables.ts';
import { backfillRoutes } from './routes/backfills.ts';
import { workflowRoutes } from './routes/workflows.ts';
import { type SseOptions, SseStreams } from './sse.ts';
import { buildValidator, schemaErrorFormatter } from './validation.ts';

/** What the API serves; a runtime (openFreshet) has each of these, so `{ ...runtime, timeZone }` will do. */
export interface ServedParts {
  /** The log: SSE subscriptions, readiness, metrics. */
  store: EventStore;
  /** Workflows: Flink's embedded-scheduler routes and freshet's own. */
  scheduler: EmbeddedWorkflowScheduler;
  /** Materialized tables and statements. */
  tables: MaterializedTableManager;
  /** Backfills of tables' past nominal times. */
  backfills: BackfillService;
  clock: Clock;
  /** The zone a cron preview assumes when the request names none. */
  timeZone: string;
}

export interface BuildServerOptions extends ServedParts {
  /** Bearer token required on every route but /healthz and /readyz (FRESHET_TOKEN). */
  token?: string;
  /** Largest accepted request body, in bytes (default 1 MiB). */
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'];
  sse?: Partial<SseOptions>;
  /**
   * Host names (the Host header, without its port) requests may be addressed to; `*` allows any. Default: the
   * loopback names. Health checks are answered whatever the name.
   */
  allowedHosts?: readonly string[];
  /** Where a workflow's restEndpointUrl may point (default: freshet itself only). */
  gateways?: GatewayAllowList;
  /** Flink SQL Gateway sessions: the gateway's default configuration, idle timeout, bounds. */
  sessions?: SessionOptions;
  /** Rows per page of a Flink statement's result (default 10,000). */
  resultPageSize?: number;
}

const DEFAULT_SSE: SseOptions = { heartbeatMs: 15_000, maxBufferedBytes: 8 * 1024 * 1024, retryMs: 2_000 };
const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** A client's X-Request-Id becomes the correlation id of the events its command appends. */
const requestId = (req: IncomingMessage): string => {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
};

function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(typeof error.statusCode === 'number' && error.statusCode < 500 ? error.statusCode : 400).send({ errors: [error.message] });
}

/**
 * Builds freshet's HTTP API over the parts it serves (a running runtime's). Never listens (tests use `inject`; startServer listens).
 * Every route declares its request and response schemas; every error goes through the one handler below.
 */
export function buildServer(options: BuildServerOptions): FastifyInstance {
  const { store, scheduler, tables, clock } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: requestId,
    requestIdHeader: false,
    return503OnClosing: true,
    // Errors fastify raises before routing (a malformed URL, a bad request id) get the same {"errors"} body.
    frameworkErrors: answerFrameworkError,
    schemaController: { compilersFactory: { buildValidator } },
    schemaErrorFormatter,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const streams = new SseStreams();
  const metrics = new FreshetMetrics({ store, projectionPosition: () => scheduler.readPosition, sseStreams: () => streams.size, tables: () => tables.listTables(), clock, misfireThresholdMs: scheduler.engine.misfireThresholdMs });
  let closing = false;

  // `Content-Type: application/json` with an empty body reads as no body (curl -X POST -H … without -d).
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') done(null, undefined);
    else json(request, text, done);
  });

  app.setErrorHandler((error, request, reply) => {
    const failure = classify(error);
    if (failure) {
      if (failure.kind === 'unauthorized') void reply.header('www-authenticate', 'Bearer realm="freshet"');
      return reply.code(toHttp(failure.kind)).send({ errors: [failure.message] });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ errors: [`Internal server error (request ${request.id}); the server log has the details.`] });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    return reply.code(404).send({ errors: [`No route ${request.method} ${path.slice(0, 200)}; the API is described at /docs.`] });
  });

  app.addHook('preHandler', finiteNumbers);
  app.addHook('onReady', async () => metrics.start());
  app.addHook('preClose', async () => {
    closing = true;
    streams.endAll();
  });
  app.addHook('onClose', async () => metrics.stop());
  app.addHook('onResponse', async (request, reply) => {
    metrics.requests.inc({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });

  app.register(hostCheckPlugin, { allowedHosts: options.allowedHosts ?? LOOPBACK_NAMES });
  app.register(authPlugin, { sessions: new CookieSessions(clock), ...(options.token ? { token: options.token } : {}) });
  registerDocs(app, options.token !== undefined);
  app.register(consolePlugin({ store, tables, clock }));
  app.register(healthRoutes(store, () => scheduler.readPosition, () => scheduler.engine.startProgress, () => closing));
  app.register(metricsRoutes(metrics));
  app.register(flinkWorkflowRoutes(scheduler, options.gateways ?? new GatewayAllowList()), { prefix: '/v3' });
  app.register(workflowRoutes(scheduler, clock), { prefix: '/v1' });
  app.register(cronRoutes(clock, options.timeZone), { prefix: '/v1' });
  app.register(eventRoutes(store, streams, { ...DEFAULT_SSE, ...options.sse }), { prefix: '/v1' });
  // Flink's SQL Gateway API at /v1…/v4 and, at the default version, unversioned. Its /v1 paths (/v1/sessions,
  // /v1/info, /v1/api_versions) and freshet's own /v1 routes have no path in common.
  // With an upstream Flink gateway (--flink-gateway) freshet stands in front of it and forwards those paths.
  const upstream = options.gateways?.upstream;
  if (upstream) {
    app.register(async (scope) => registerGatewayProxy(scope, upstream));
  } else {
    const sessions = new SessionRegistry(clock, options.sessions);
    const gateway = { tables, sessions, pageSize: options.resultPageSize ?? 10_000 };
    for (const version of GATEWAY_VERSIONS) app.register(flinkGatewayRoutes({ ...gateway, version }), { prefix: `/v${version}` });
    app.register(flinkGatewayRoutes({ ...gateway, version: DEFAULT_VERSION }));
  }
  app.register(tableRoutes(tables), { prefix: '/v1' });
  app.register(backfillRoutes(options.backfills), { prefix: '/v1' });
  return app;
}
