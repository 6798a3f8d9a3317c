/** A JSON answer from freshet: the status and the parsed body (`{}` when empty). */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** One HTTP call as a client would make it; rejects only when no answer arrived (connection refused or reset). */
export async function request<T = Record<string, unknown>>(baseUrl: string, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<Answer<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** Like `request`, but anything other than a 2xx is a test failure with the server's errors in the message. */
export async function ok<T = Record<string, unknown>>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const answer = await request<T>(baseUrl, method, path, body);
  if (answer.status < 200 || answer.status > 299) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/** POST /v1/statements with a query; its rows. */
export async function query(baseUrl: string, statement: string): Promise<unknown[][]> {
  const result = await ok<QueryResult>(baseUrl, 'POST', '/v1/statements', { statement });
  return result.rows;
}

/**
 * Subscribes to `/v1/events/stream` from `from` for events of `type`; resolves true as soon as one arrives, false when
 * `timeoutMs` passes first. The subscription is closed either way.
 */
export async function nextEvent(baseUrl: string, from: number, type: string, timeoutMs: number): Promise<boolean> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch(`${baseUrl}/v1/events/stream?from=${from}&type=${encodeURIComponent(type)}`, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
    if (!response.ok || !response.body) throw new Error(`/v1/events/stream answered ${response.status}`);
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of response.body) {
      text += decoder.decode(chunk as Uint8Array, { stream: true });
      if (/^data:/m.test(text)) return true;
    }
    return false;
  } catch (error) {
    if (abort.signal.aborted) return false;
    throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
