import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * A stable, unique operationId from the method and path (`GET /v1/workflows/:id/history` →
 * `getV1WorkflowsByIdHistory`), so generated clients get names without every route spelling one out.
 */
export function operationIdOf(method: string, url: string): string {
  const words = url.split(/[/.-]/).filter((p) => p !== '').map((p) => (p.startsWith(':') ? `By${capital(p.slice(1))}` : capital(p)));
  return `${method.toLowerCase()}${words.join('')}`;
}

/**
 * The OpenAPI document (generated from the route schemas) at /docs/json, and the UI at /docs (`GET /` is the console, which links to it).
 * They hold no data, so they answer without a token; with a token set, the page's "Authorize" sends it.
 */
export function registerDocs(app: FastifyInstance, withToken: boolean): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'freshet',
        version: '0.1.0',
        description: "Durable scheduler for materialized tables. /v3 is Flink SQL Gateway's API; /v1 is freshet's own. Errors are {\"errors\": [\"…\"]}.",
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(withToken ? { security: [{ bearer: [] }] } : {}),
      tags: [
        { name: 'flink', description: 'Flink SQL Gateway REST API (/v1…/v4; unversioned paths are V4); embedded-scheduler workflows at /v3' },
        { name: 'tables', description: 'Statements, materialized tables, refresh operations (/v1)' },
        { name: 'workflows', description: 'Refresh workflows (/v1)' },
        { name: 'events', description: 'The event log (/v1)' },
        { name: 'cron', description: 'Cron tools (/v1)' },
        { name: 'health', description: 'Probes and metrics' },
      ],
    },
    transform: ({ schema, url, route }) => {
      const method = Array.isArray(route.method) ? (route.method[0] ?? 'get') : route.method;
      const given = (schema as { operationId?: string } | undefined)?.operationId;
      return { schema: { ...schema, operationId: given ?? operationIdOf(method, url) } as typeof schema, url };
    },
  });
  // Its own encapsulated context, so the onRoute hook marks only the docs routes public.
  app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), public: true };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs', uiConfig: { persistAuthorization: true } });
  });
}
