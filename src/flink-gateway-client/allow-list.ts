/** A restEndpointUrl that is not on the allow-list; the API answers it with a 4xx naming the settings. */
export class GatewayNotAllowedError extends Error {
  override name = 'GatewayNotAllowedError';
}

export interface AllowListOptions {
  /** The upstream Flink gateway (`--flink-gateway`, FRESHET_FLINK_GATEWAY). */
  upstream?: string;
  /** Further gateways (`--allow-gateway`, repeatable; FRESHET_ALLOWED_GATEWAYS, comma-separated). */
  allowed?: readonly string[];
  /**
   * The Flink JobManager's REST address (`--flink-jobmanager`, FRESHET_FLINK_JOBMANAGER): remote refresh jobs are
   * followed there to their end. Like the gateways it comes from configuration only, never from a request.
   */
  jobManager?: string;
}

/** `http://h:p` of a URL (default ports dropped, host lower-cased), or undefined when it is no http(s) URL. */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a workflow's restEndpointUrl may point: freshet itself (its listening address, or the address a request
 * reached it by), the upstream gateway, and the gateways allowed explicitly. freshet sends requests to that
 * address on every fire, so any other is refused when the workflow is created.
 */
export class GatewayAllowList {
  private readonly own = new Set<string>();
  private readonly remote = new Set<string>();
  readonly upstream: string | undefined;
  readonly jobManager: string | undefined;

  constructor(options: AllowListOptions = {}) {
    for (const url of [...(options.upstream ? [options.upstream] : []), ...(options.allowed ?? [])]) {
      const origin = originOf(url);
      if (!origin) throw new GatewayNotAllowedError(`'${url}' is not an http(s) URL; give a gateway as http://host:port.`);
      this.remote.add(origin);
    }
    this.upstream = options.upstream ? originOf(options.upstream) : undefined;
    if (options.jobManager !== undefined && !originOf(options.jobManager)) throw new GatewayNotAllowedError(`JobManager '${options.jobManager}' is not an http(s) URL; give it as http://host:port (Flink's rest.address and rest.port).`);
    this.jobManager = options.jobManager === undefined ? undefined : originOf(options.jobManager);
  }

  /** freshet's own address (the server adds the one it listens on). */
  addOwn(url: string): void {
    const origin = originOf(url);
    if (origin) this.own.add(origin);
  }

  /** Empty means freshet itself; so does one of its own addresses (or `requestOrigin`, how the caller reached it). */
  isOwn(url: string, requestOrigin?: string): boolean {
    const origin = originOf(url);
    return url.trim() === '' || (origin !== undefined && (this.own.has(origin) || origin === requestOrigin));
  }

  /** Throws GatewayNotAllowedError unless the URL is freshet's own or an allowed gateway. */
  check(url: string, requestOrigin?: string): void {
    if (this.isOwn(url, requestOrigin)) return;
    const origin = originOf(url);
    if (origin && this.remote.has(origin)) return;
    throw new GatewayNotAllowedError(
      `restEndpointUrl '${url}' is not an allowed gateway: freshet sends refresh requests only to its own address, to the upstream Flink gateway (--flink-gateway or FRESHET_FLINK_GATEWAY) and to gateways allowed with --allow-gateway <url> (repeatable) or FRESHET_ALLOWED_GATEWAYS (comma-separated).`,
    );
  }
}
