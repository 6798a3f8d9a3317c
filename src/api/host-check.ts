import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiRequestError } from './errors.ts';

/** The names a loopback freshet answers to; a page on any other origin that resolves to 127.0.0.1 does not. */
export const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

/**
 * DNS rebinding: a web page on attacker.example can make the victim's browser resolve that name to
 * 127.0.0.1 and then talk to freshet as a same-origin page, token or not. The browser still sends
 * `Host: attacker.example`, so only configured names are served. Health checks stay open (probes address
 * a pod by its IP, and they hold no data).
 */
export const hostCheckPlugin = fp<{ allowedHosts: readonly string[] }>(
  async (app: FastifyInstance, opts) => {
    const any = opts.allowedHosts.includes('*');
    const allowed = new Set(opts.allowedHosts.map(normalize));
    app.addHook('onRequest', async (request) => {
      if (any || request.routeOptions.config.public) return;
      const name = hostName(request.headers.host);
      if (name !== undefined && allowed.has(name)) return;
      throw new ApiRequestError(
        'forbidden',
        `Host '${String(request.headers.host ?? '').slice(0, 100)}' is not a name this freshet answers to (${[...allowed].join(', ')}). ` +
          'Add it with --allowed-host (FRESHET_ALLOWED_HOSTS) if it is yours.',
      );
    });
  },
  { name: 'freshet-host-check' },
);

/** `Host: [::1]:8083` → `::1`; `Example.COM.` → `example.com`. */
export function hostName(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(header);
  if (bracketed?.[1]) return normalize(bracketed[1]);
  const plain = /^([^:]+)(?::\d+)?$/.exec(header);
  return plain?.[1] ? normalize(plain[1]) : undefined;
}

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}
