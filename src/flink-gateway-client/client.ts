/** A Flink SQL Gateway answered with an error (its `{"errors": […]}` text), or not as the API says. */
export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    message: string,
    /** HTTP status; 0 when the gateway did not answer (refused, timed out). */
    readonly status: number,
  ) {
    super(message);
  }
}

/** Flink's RestClient waits 30 s for each answer (the scheduler's `.get(30, TimeUnit.SECONDS)`). */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface FetchPage {
  resultType: 'NOT_READY' | 'PAYLOAD' | 'EOS';
  jobID?: string;
  results?: { data: { fields: unknown[] }[] };
  nextResultUri?: string;
}

/** The SQL Gateway REST calls of Flink's embedded scheduler job, at `/v3` (the version its headers name). */
export class GatewayClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  async openSession(sessionName: string, properties: Record<string, string>): Promise<string> {
    return (await this.call<{ sessionHandle: string }>('POST', '/v3/sessions', { sessionName, properties })).sessionHandle;
  }

  async refresh(session: string, identifier: string, body: { scheduleTime: string; dynamicOptions: Record<string, string>; executionConfig: Record<string, string> }): Promise<string> {
    const path = `/v3/sessions/${encodeURIComponent(session)}/materialized-tables/${encodeURIComponent(identifier)}/refresh`;
    return (await this.call<{ operationHandle: string }>('POST', path, { isPeriodic: true, staticPartitions: {}, ...body })).operationHandle;
  }

  /** A page by the URI the gateway gave (nextResultUri), or token 0 of an operation. */
  async fetch(uri: string): Promise<FetchPage> {
    return this.call<FetchPage>('GET', uri);
  }

  resultUri(session: string, operation: string, token: number): string {
    return `/v3/sessions/${encodeURIComponent(session)}/operations/${encodeURIComponent(operation)}/result/${token}?rowFormat=JSON`;
  }

  async closeOperation(session: string, operation: string): Promise<void> {
    await this.call('DELETE', `/v3/sessions/${encodeURIComponent(session)}/operations/${encodeURIComponent(operation)}/close`);
  }

  async closeSession(session: string): Promise<void> {
    await this.call('DELETE', `/v3/sessions/${encodeURIComponent(session)}`);
  }

  private call<T>(method: string, path: string, body?: object): Promise<T> {
    return requestJson<T>(this.baseUrl, method, path, this.timeoutMs, 'Flink gateway', body);
  }
}

/**
 * One JSON request to a Flink REST endpoint (a gateway, a JobManager): a GatewayError with status 0 when it does not
 * answer in time, else with the status and Flink's `{"errors": […]}` text when it answers an error.
 */
export async function requestJson<T>(baseUrl: string, method: string, path: string, timeoutMs: number, who: string, body?: object): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, baseUrl), {
      method,
      signal: AbortSignal.timeout(timeoutMs),
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    const why = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : causeText(error);
    throw new GatewayError(`The ${who} ${baseUrl} did not answer ${method} ${path.split('?')[0]}: ${why}.`, 0);
  }
  const text = await res.text();
  const json = text === '' ? {} : safeJson(text);
  if (!res.ok) {
    const errors = (json as { errors?: unknown }).errors;
    const detail = Array.isArray(errors) ? errors.join('; ') : text.slice(0, 500);
    throw new GatewayError(`The ${who} ${baseUrl} answered ${method} ${path.split('?')[0]} with ${res.status}: ${detail}`, res.status);
  }
  return json as T;
}

export const getJson = <T>(baseUrl: string, path: string, timeoutMs: number, who: string): Promise<T> => requestJson<T>(baseUrl, 'GET', path, timeoutMs, who);

const causeText = (error: unknown): string => {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
};

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [text.slice(0, 500)] };
  }
};
