import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RequestContext } from '../workflow-scheduler/index.ts';
import { ApiRequestError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sends this request, as recorded on the events it appends. */
    actor: string;
  }
  interface FastifyContextConfig {
    /** Answered without a token (health checks). */
    public?: boolean;
  }
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The actor a token holder is recorded as: never the token, only a short fingerprint of it. */
export const actorOfToken = (token: string): string => `token:${sha256(token).toString('hex').slice(0, 6)}`;

export const ANONYMOUS = 'anonymous';
export const REASON_HEADER = 'x-freshet-reason';

/**
 * Bearer authentication on every route but the public ones. Without a token every caller is `anonymous`
 * (startServer only allows that on a loopback address).
 */
export const authPlugin = fp<{ token?: string }>(
  async (app: FastifyInstance, opts) => {
    const expected = opts.token ? sha256(opts.token) : undefined;
    const actor = opts.token ? actorOfToken(opts.token) : ANONYMOUS;
    app.decorateRequest('actor', ANONYMOUS);
    app.addHook('onRequest', async (request) => {
      if (expected === undefined || request.routeOptions.config.public) return; // actor stays 'anonymous'
      const header = request.headers.authorization ?? '';
      const match = /^Bearer\s+(.+)$/i.exec(header);
      if (!match?.[1]) throw new ApiRequestError('unauthorized', 'Missing bearer token: send the header "Authorization: Bearer <FRESHET_TOKEN>".');
      if (!timingSafeEqual(sha256(match[1].trim()), expected)) throw new ApiRequestError('unauthorized', 'Invalid bearer token: it does not match the server\'s FRESHET_TOKEN.');
      request.actor = actor;
    });
  },
  { name: 'freshet-auth' },
);

/** The audit context of a command: its actor, the reason (body field first, then the header), and the request id. */
export function commandContext(request: FastifyRequest, bodyReason?: string | null): RequestContext {
  const header = request.headers[REASON_HEADER];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const reason = (bodyReason ?? fromHeader ?? '').trim();
  return { actor: request.actor, correlationId: request.id, ...(reason ? { reason } : {}) };
}
