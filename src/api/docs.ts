import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** The OpenAPI document (generated from the route schemas) at /docs/json, the UI at /docs. */
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
        { name: 'flink', description: 'Flink SQL Gateway compatible (/v3)' },
        { name: 'tables', description: 'Statements, materialized tables, refresh operations (/v1)' },
        { name: 'workflows', description: 'Refresh workflows (/v1)' },
        { name: 'events', description: 'The event log (/v1)' },
        { name: 'cron', description: 'Cron tools (/v1)' },
        { name: 'health', description: 'Probes and metrics' },
      ],
    },
  });
  app.register(swaggerUi, { routePrefix: '/docs' });
}
