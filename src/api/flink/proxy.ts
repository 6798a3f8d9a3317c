import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_VERSIONS } from './versions.ts';

/** Flink's RestClient waits 30 s; the proxy gives the upstream as long. */
const UPSTREAM_TIMEOUT_MS = 30_000;

/**
 * freshet in front of a Flink SQL Gateway: every SQL Gateway path (`/api_versions`, `/info`, `/sessions…`, at
 * `/v1`…`/v4` and unversioned) is forwarded to the upstream unchanged and streamed back; the embedded-scheduler
 * endpoints and freshet's own API stay here. So Flink's DDL, its MaterializedTableManager and every Flink client
 * work against Flink while the workflows live, durably, in freshet.
 */
export async function registerGatewayProxy(app: FastifyInstance, upstream: string): Promise<void> {
  await app.register(replyFrom, { base: upstream, undici: { headersTimeout: UPSTREAM_TIMEOUT_MS, bodyTimeout: UPSTREAM_TIMEOUT_MS } });
  const forward = (request: FastifyRequest, reply: FastifyReply) =>
    reply.from(request.url, {
      onError: (r, { error }) => {
        // The upstream did not answer: a 502 in Flink's error shape, naming it.
        void r.code(502).send({ errors: [`The upstream Flink SQL Gateway ${upstream} did not answer: ${error.message}`] });
      },
    });
  const prefixes = ['', ...GATEWAY_VERSIONS.map((v) => `/v${v}`)];
  for (const prefix of prefixes) {
    for (const url of [`${prefix}/api_versions`, `${prefix}/info`, `${prefix}/sessions`, `${prefix}/sessions/*`]) {
      app.route({ method: ['GET', 'POST', 'DELETE'], url, schema: { hide: true }, handler: forward });
    }
  }
}
