import type { Command } from 'commander';

/** The CLI talks to a running freshet over HTTP: the server owns the warehouse file and the engine. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    /** 1 = the server refused or the check failed, 2 = bad usage or input, 3 = freshet is not reachable. */
    readonly exitCode: 1 | 2 | 3,
  ) {
    super(message);
  }
}

export function usage(message: string): never {
  throw new CliError(message, 2);
}

export function defaultServerUrl(): string {
  return `http://${process.env.FRESHET_HOST ?? '127.0.0.1'}:${process.env.FRESHET_PORT ?? '8083'}`;
}

export interface Client {
  readonly url: string;
  headers(): Record<string, string>;
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/** The client of the root's `--url`/`--token` (Commander fills them from FRESHET_URL/FRESHET_TOKEN). */
export function clientOf(command: Command): Client {
  const o = command.optsWithGlobals<{ url?: string; token?: string }>();
  return createClient((o.url ?? defaultServerUrl()).replace(/\/$/, ''), o.token);
}

export function createClient(url: string, token: string | undefined): Client {
  const headers = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  return {
    url,
    headers,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      let response: Response;
      try {
        response = await fetch(`${url}${path}`, {
          method,
          headers: { ...headers(), accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      } catch (error) {
        const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
        throw new CliError(`Cannot reach freshet at ${url} (${cause}). Start it with \`npm start\` (or \`freshet serve\`), or set FRESHET_URL (--url).`, 3);
      }
      const json = await freshetJson(response, url);
      if (!response.ok) throw refusal(response.status, json, url);
      return json as T;
    },
  };
}

/** freshet answers every route with JSON; anything else (an HTML page, a proxy's text) is another server. */
async function freshetJson(response: Response, url: string): Promise<unknown> {
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  if (text === '' && response.ok) return {};
  if (type.includes('application/json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // fall through: not freshet's JSON
    }
  }
  throw new CliError(`${url} does not answer as freshet (HTTP ${response.status}, ${type || 'no content type'}). Check FRESHET_URL (--url): it should name the address \`freshet serve\` printed.`, 3);
}

function refusal(status: number, json: unknown, url: string): CliError {
  const errors = (json as { errors?: unknown }).errors;
  const message = Array.isArray(errors) ? errors.join('\n') : `freshet answered ${status}`;
  if (status === 401) return new CliError(`${message}\nfreshet at ${url} needs a token: set FRESHET_TOKEN (--token).`, 1);
  // 400 is bad input (a malformed statement, a bad value): the README's exit code 2, as for bad usage.
  return new CliError(message, status === 400 ? 2 : 1);
}
