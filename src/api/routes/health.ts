import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { EventStore } from '../../events/index.ts';
import type { StartProgress } from '../../engine/index.ts';
import { errorResponses } from '../schemas/common.ts';

const Status = Type.Object({ status: Type.String() });
const Ready = Type.Object({ status: Type.String(), headPosition: Type.Integer(), projectionPosition: Type.Integer() });

/**
 * Liveness (the process answers) and readiness (the store answers and the server is not shutting down).
 * Both are public: orchestrators probe them without the token.
 */
export function healthRoutes(store: EventStore, readPosition: () => number, engine: () => StartProgress, closing: () => boolean): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/healthz', { config: { public: true }, schema: { tags: ['health'], summary: 'Liveness', response: { 200: Status, ...errorResponses } } }, async () => ({ status: 'ok' }));

    app.get('/readyz', { config: { public: true }, schema: { tags: ['health'], summary: 'Readiness', response: { 200: Ready, ...errorResponses } } }, async (request, reply) => {
      if (closing()) return reply.code(503).send({ errors: ['freshet is shutting down.'] });
      const progress = engine();
      if (!progress.done) {
        return reply.code(503).send({ errors: [`freshet is starting: ${progress.workflows} workflow(s) loaded so far (log position ${progress.position}); fires begin once every workflow is loaded.`] });
      }
      try {
        const headPosition = await store.headPosition();
        return { status: 'ready', headPosition, projectionPosition: readPosition() };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check: the event store did not answer');
        return reply.code(503).send({ errors: [`The event store is not available: ${error instanceof Error ? error.message : String(error)}`] });
      }
    });
  };
}
