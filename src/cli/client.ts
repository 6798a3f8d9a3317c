/** The CLI talks to a running freshet over HTTP: the server owns the warehouse file and the engine. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    /** 1 = the server refused or the check failed, 2 = bad usage, 3 = freshet is not reachable. */
    readonly exitCode: 1 | 2 | 3,
  ) {
    super(message);
  }
}

export function serverUrl(): string {
  return (process.env.FRESHET_URL ?? `http://${process.env.FRESHET_HOST ?? '127.0.0.1'}:${process.env.FRESHET_PORT ?? '8083'}`).replace(/\/$/, '');
}

export function authHeaders(): Record<string, string> {
  return process.env.FRESHET_TOKEN ? { authorization: `Bearer ${process.env.FRESHET_TOKEN}` } : {};
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const url = `${serverUrl()}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { ...authHeaders(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    throw new CliError(`Cannot reach freshet at ${serverUrl()} (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}). Start it with \`npm start\` (or \`freshet serve\`), or set FRESHET_URL.`, 3);
  }
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : {};
  if (!response.ok) {
    const errors = (json as { errors?: string[] }).errors;
    throw new CliError(errors?.join('\n') ?? `${method} ${path} answered ${response.status}`, 1);
  }
  return json as T;
}
