import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { FreshetMetrics } from '../metrics/freshet-metrics.ts';
import { errorResponses } from '../schemas/common.ts';

export function metricsRoutes(metrics: FreshetMetrics): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/metrics',
      { schema: { tags: ['health'], summary: 'Prometheus metrics (text format 0.0.4)', response: { 200: { description: 'Prometheus text', content: { 'text/plain': { schema: Type.String() } } }, ...errorResponses } } },
      async (_request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.registry.render()),
    );
  };
}
