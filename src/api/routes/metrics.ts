import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import type { FreshetMetrics } from '../metrics/freshet-metrics.ts';
import { errorResponses } from '../schemas/common.ts';

export function metricsRoutes(metrics: FreshetMetrics): FastifyPluginAsyncTypebox {
  // fastify-plugin: the latency hook must see every route, not only this plugin's own.
  return fp(async (app) => {
    app.addHook('onResponse', async (request, reply) => {
      const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
      metrics.requestDuration.observe(labels, reply.elapsedTime / 1000);
    });
    app.get(
      '/metrics',
      { schema: { tags: ['health'], summary: 'Prometheus metrics (text format 0.0.4)', response: { 200: { description: 'Prometheus text', content: { 'text/plain': { schema: Type.String() } } }, ...errorResponses } } },
      async (_request, reply) => {
        const { contentType, text } = await metrics.render();
        return reply.type(contentType).send(text);
      },
    );
  }, { name: 'freshet-metrics' });
}
