import { isIP } from 'node:net';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { FreshetRuntime } from '../runtime/index.ts';
import { buildServer } from './server.ts';

export interface StartServerOptions {
  runtime: FreshetRuntime;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 8083, Flink SQL Gateway's port; 0 picks a free one. */
  port?: number;
  token?: string;
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'];
}

export interface RunningServer {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:8083 */
  url: string;
  /** Stops accepting requests, lets in-flight ones finish, then closes the runtime (fires, projections, store). Idempotent. */
  close(): Promise<void>;
}

/** Binding elsewhere without a token would let anyone on the network run commands: refused at startup. */
export class InsecureBindError extends Error {
  override name = 'InsecureBindError';
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
  const app = buildServer({
    runtime: options.runtime,
    ...(options.token ? { token: options.token } : {}),
    ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
    logger: options.logger ?? { level: 'info' },
  });
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const urlHost = isIP(host) === 6 ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    app,
    url: `http://${urlHost}:${bound}`,
    close: () => {
      closing ??= (async () => {
        try {
          await app.close();
        } finally {
          await options.runtime.close();
        }
      })();
      return closing;
    },
  };
}
