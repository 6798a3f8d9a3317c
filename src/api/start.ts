import { isIP } from 'node:net';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { FreshetRuntime } from '../runtime/index.ts';
import { LOOPBACK_NAMES } from './host-check.ts';
import { buildServer } from './server.ts';

export interface StartServerOptions {
  runtime: FreshetRuntime;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 8083, Flink SQL Gateway's port; 0 picks a free one. */
  port?: number;
  token?: string;
  /** Host names clients address freshet by, beyond the loopback names and the address it listens on. */
  allowedHosts?: readonly string[];
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'];
}

export interface RunningServer {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:8083 */
  url: string;
  /** Stops accepting requests, lets in-flight ones finish, then closes the runtime (fires, projections, store). Idempotent. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** Binding elsewhere without a token would let anyone on the network run commands: refused at startup. */
export class InsecureBindError extends Error {
  override name = 'InsecureBindError';
}

/** Listening on every interface names no host of its own: clients' names must be configured. */
const isWildcard = (host: string): boolean => ['0.0.0.0', '::', '[::]'].includes(host.trim());

/** The shortest token accepted: 128 bits as hex (`openssl rand -hex 16`), or more. */
export const MIN_TOKEN_LENGTH = 32;

/**
 * A token guards every command and statement; one that can be guessed guards nothing. Refused at start
 * rather than warned about, since a warning in a log nobody reads protects no one.
 */
export function checkTokenStrength(token: string): void {
  const distinct = new Set(token).size;
  if (token.length < MIN_TOKEN_LENGTH || distinct < 8 || /\s/.test(token)) {
    throw new InsecureBindError(
      `FRESHET_TOKEN is too weak: use at least ${MIN_TOKEN_LENGTH} characters with no spaces and no long repeats, e.g. the output of "openssl rand -hex 32".`,
    );
  }
}

export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice('::ffff:'.length).startsWith('127.');
  return false;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8083;
  if (!options.token && !isLoopbackHost(host)) {
    throw new InsecureBindError(
      `Refusing to listen on ${host} without a token: anyone who can reach that address could create, suspend and delete workflows and run statements. ` +
        'Set FRESHET_TOKEN (clients then send "Authorization: Bearer <token>"), or listen on 127.0.0.1.',
    );
  }
  if (options.token !== undefined) checkTokenStrength(options.token);
  const app = buildServer({
    ...options.runtime,
    timeZone: options.runtime.config.timeZone,
    allowedHosts: [...LOOPBACK_NAMES, ...(isWildcard(host) ? [] : [host]), ...(options.allowedHosts ?? [])],
    ...(options.token ? { token: options.token } : {}),
    ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
    logger: options.logger ?? { level: 'info' },
  });
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const urlHost = isIP(host) === 6 ? `[${host}]` : host;
  // freshet's own address, by every name clients may use: a workflow pointing there refreshes the embedded warehouse.
  const names = [...LOOPBACK_NAMES, ...(isWildcard(host) ? [] : [host]), ...(options.allowedHosts ?? [])].filter((n) => n !== '*');
  for (const name of names) options.runtime.gateways.addOwn(`http://${isIP(name) === 6 ? `[${name}]` : name}:${bound}`);
  let closing: Promise<void> | undefined;
  return {
    app,
    url: `http://${urlHost}:${bound}`,
    close: (closeOptions = {}) => {
      closing ??= (async () => {
        try {
          await app.close();
        } finally {
          await options.runtime.close(closeOptions);
        }
      })();
      return closing;
    },
  };
}
