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
      const payload = body === undefined ? undefined : JSON.stringify(body);
      let response: Answer;
      try {
        response = await send(`${url}${path}`, method, { ...headers(), accept: 'application/json', ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, payload);
      } catch (error) {
        throw new CliError(`Cannot reach freshet at ${url} (${(error as Error).message}). Start it with \`npm start\` (or \`freshet serve\`), or set FRESHET_URL (--url).`, 3);
      }
      const json = freshetJson(response, url);
      if (response.status < 200 || response.status > 299) throw refusal(response.status, json, url);
      return json as T;
    },
  };
}

interface Answer {
  status: number;
  type: string;
  text: string;
}

/**
 * One request over node:http (node:https for an https URL), not fetch: loading fetch (undici) costs a short CLI
 * command more CPU than everything else it does together (bench/cli-start.ts).
 */
async function send(target: string, method: string, headers: Record<string, string>, payload: string | undefined): Promise<Answer> {
  const address = new URL(target);
  const { request } = address.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(address, { method, headers: { ...headers, ...(payload !== undefined ? { 'content-length': String(Buffer.byteLength(payload)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** freshet answers every route with JSON; anything else (an HTML page, a proxy's text) is another server. */
function freshetJson(response: Answer, url: string): unknown {
  const { text, type, status } = response;
  if (text === '' && status >= 200 && status <= 299) return {};
  if (type.includes('application/json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // fall through: not freshet's JSON
    }
  }
  throw new CliError(`${url} does not answer as freshet (HTTP ${status}, ${type || 'no content type'}). Check FRESHET_URL (--url): it should name the address \`freshet serve\` printed.`, 3);
}

function refusal(status: number, json: unknown, url: string): CliError {
  const errors = (json as { errors?: unknown }).errors;
  const message = Array.isArray(errors) ? errors.join('\n') : `freshet answered ${status}`;
  if (status === 401) return new CliError(`${message}\nfreshet at ${url} needs a token: set FRESHET_TOKEN (--token).`, 1);
  // 400 is bad input (a malformed statement, a bad value): the README's exit code 2, as for bad usage.
  return new CliError(message, status === 400 ? 2 : 1);
}
