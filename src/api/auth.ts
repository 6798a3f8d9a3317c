import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../clock/index.ts';
import type { RequestContext } from '../workflow-scheduler/index.ts';
import { ApiRequestError } from './errors.ts';
import { errorResponses } from './schemas/common.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sends this request, as recorded on the events it appends. */
    actor: string;
  }
  interface FastifyContextConfig {
    /** Answered without a token and whatever the Host (health checks, the console's static pages). */
    public?: boolean;
    /** Answered without a token but still host-checked: signing in, which is how a browser gets one. */
    signIn?: boolean;
  }
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The actor a token holder is recorded as: never the token, only a short fingerprint of it. */
export const actorOfToken = (token: string): string => `token:${sha256(token).toString('hex').slice(0, 6)}`;

export const ANONYMOUS = 'anonymous';
export const REASON_HEADER = 'x-freshet-reason';
export const SESSION_COOKIE = 'freshet_session';
/**
 * Cookie-authenticated commands must carry this header. A cross-site form or `fetch` cannot set a custom header
 * without a CORS preflight, which freshet never grants: with SameSite=Strict this is the second lock on CSRF.
 */
export const CSRF_HEADER = 'x-freshet-csrf';
const SESSION_MS = 12 * 3_600_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Browser sessions bought with the token. A browser's EventSource cannot send a bearer header, and a token kept
 * in page storage is readable by any script: an HttpOnly cookie is neither. Kept in memory: a restart signs
 * everyone out, which costs one paste of the token.
 */
export class CookieSessions {
  private readonly expiry = new Map<string, number>();
  constructor(private readonly clock: Clock) {}

  open(): string {
    const id = randomBytes(32).toString('base64url');
    this.expiry.set(id, this.clock.now() + SESSION_MS);
    return id;
  }

  valid(id: string): boolean {
    const until = this.expiry.get(id);
    if (until !== undefined && until <= this.clock.now()) this.expiry.delete(id);
    return until !== undefined && until > this.clock.now();
  }

  close(id: string): void {
    this.expiry.delete(id);
  }
}

function cookieOf(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}

function setCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAgeS: number): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  void reply.header('set-cookie', `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure}`);
}

/** The request's own origin: an Origin header naming another one is a cross-site request. */
const ownOrigin = (request: FastifyRequest): string => `${request.protocol}://${request.headers.host ?? ''}`;

/**
 * Bearer authentication (or a console session cookie) on every route but the public ones. Without a token every
 * caller is `anonymous` (startServer only allows that on a loopback address).
 */
export const authPlugin = fp<{ token?: string; sessions: CookieSessions }>(
  async (untyped: FastifyInstance, opts) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    const expected = opts.token ? sha256(opts.token) : undefined;
    const actor = opts.token ? actorOfToken(opts.token) : ANONYMOUS;
    const matches = (token: string): boolean => expected !== undefined && timingSafeEqual(sha256(token.trim()), expected);
    app.decorateRequest('actor', ANONYMOUS);
    app.addHook('onRequest', async (request) => {
      const config = request.routeOptions.config;
      if (expected === undefined || config.public || config.signIn) return; // actor stays 'anonymous'
      const header = request.headers.authorization ?? '';
      const session = cookieOf(request);
      if (header === '' && session !== undefined && opts.sessions.valid(session)) {
        if (!SAFE_METHODS.has(request.method)) refuseCrossSite(request);
        request.actor = actor;
        return;
      }
      const match = /^Bearer\s+(.+)$/i.exec(header);
      if (!match?.[1]) throw new ApiRequestError('unauthorized', 'Missing bearer token: send the header "Authorization: Bearer <FRESHET_TOKEN>" (or sign in to the console).');
      if (!matches(match[1])) throw new ApiRequestError('unauthorized', 'Invalid bearer token: it does not match the server\'s FRESHET_TOKEN.');
      request.actor = actor;
    });

    const Session = Type.Object({ required: Type.Boolean({ description: 'Whether this server needs a token.' }), signedIn: Type.Boolean(), actor: Type.Union([Type.String(), Type.Null()]) });
    const tags = ['health'];
    app.get('/v1/session', { config: { signIn: true }, schema: { tags, summary: 'Whether the console must sign in, and who it is', response: { 200: Session, ...errorResponses } } }, async (request) => {
      const session = cookieOf(request);
      const signedIn = expected === undefined || (session !== undefined && opts.sessions.valid(session));
      return { required: expected !== undefined, signedIn, actor: signedIn ? actor : null };
    });
    app.post(
      '/v1/session',
      { config: { signIn: true }, schema: { tags, summary: 'Sign in: exchange the token for an HttpOnly, SameSite=Strict session cookie', body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 1000 }) }), response: { 200: Session, ...errorResponses } } },
      async (request, reply) => {
        refuseCrossSite(request);
        if (expected === undefined) return { required: false, signedIn: true, actor };
        if (!matches(request.body.token)) throw new ApiRequestError('unauthorized', "That token does not match the server's FRESHET_TOKEN.");
        setCookie(request, reply, opts.sessions.open(), SESSION_MS / 1000);
        return { required: true, signedIn: true, actor };
      },
    );
    app.delete('/v1/session', { config: { signIn: true }, schema: { tags, summary: 'Sign out', response: { 200: Session, ...errorResponses } } }, async (request, reply) => {
      refuseCrossSite(request);
      const session = cookieOf(request);
      if (session !== undefined) opts.sessions.close(session);
      setCookie(request, reply, '', 0);
      return { required: expected !== undefined, signedIn: expected === undefined, actor: expected === undefined ? actor : null };
    });
  },
  { name: 'freshet-auth' },
);

function refuseCrossSite(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (request.headers[CSRF_HEADER] !== '1' || (origin !== undefined && origin !== ownOrigin(request))) {
    throw new ApiRequestError('forbidden', `A command sent with the console's session cookie must come from the console itself (same origin, header ${CSRF_HEADER}: 1).`);
  }
}

/** The audit context of a command: its actor, the reason (body field first, then the header), and the request id. */
export function commandContext(request: FastifyRequest, bodyReason?: string | null): RequestContext {
  const header = request.headers[REASON_HEADER];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const reason = (bodyReason ?? fromHeader ?? '').trim();
  return { actor: request.actor, correlationId: request.id, ...(reason ? { reason } : {}) };
}
