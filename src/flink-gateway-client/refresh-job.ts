import { GatewayClient, GatewayError } from './client.ts';

/** One scheduled refresh, as Flink's EmbeddedSchedulerJob gets it from its workflow. */
export interface RemoteRefresh {
  /** Flink's serializable identifier, `` `cat`.`db`.`t` ``. */
  tableIdentifier: string;
  /** `yyyy-MM-dd HH:mm:ss` in the workflow's zone. */
  scheduleTimeText: string;
  initConfig: Record<string, string>;
  dynamicOptions: Record<string, string>;
  executionConfig: Record<string, string>;
}

export interface RemoteRefreshResult {
  /** The gateway's refresh operation. */
  operationHandle: string;
  /** Row 0, column 0 of the result: the refresh job's id. */
  jobId: string;
  clusterInfo: Record<string, string>;
}

export interface RetryOptions {
  /** Attempts of the whole job when the gateway does not answer or answers 5xx (default 3). */
  attempts?: number;
  /** Backoff before attempt n+1: `baseDelayMs * 2^(n-1)`, capped at `maxDelayMs` (defaults 1 s, 30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long to wait before fetching a NOT_READY result again (Flink's job: 10 ms). */
  notReadyDelayMs?: number;
  /** Waits; injected so tests run on their own time. */
  sleep?: (ms: number) => Promise<void>;
  /** Told each attempt's number as it starts (the ledger records how many the refresh took). */
  onAttempt?: (attempt: number) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Flink's job names its session after the table and the schedule time. */
export const refreshSessionName = (r: RemoteRefresh): string => `${r.tableIdentifier}-quartz-refresh-session-${r.scheduleTimeText}`;

/** Only an outage is worth another attempt; a 4xx (no such table, bad schedule time) fails the same way again. */
const retryable = (error: unknown): boolean => error instanceof GatewayError && (error.status === 0 || error.status >= 500);

/**
 * Fires one refresh on a Flink SQL Gateway exactly as Flink's embedded scheduler job does: open a session named
 * `<identifier>-quartz-refresh-session-<schedule time>` with the initConfig, refresh periodically at the schedule time,
 * fetch results from token 0 (again while NOT_READY) until the job id, and close the operation and the session
 * whatever happened. Like Flink's job it does not wait for the refresh job to end. Outages are retried with backoff.
 */
export async function runRemoteRefresh(client: GatewayClient, r: RemoteRefresh, retry: RetryOptions = {}): Promise<RemoteRefreshResult> {
  const attempts = retry.attempts ?? 3;
  const sleep = retry.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    retry.onAttempt?.(attempt);
    try {
      return await attemptRefresh(client, r, retry.notReadyDelayMs ?? 10, sleep);
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error;
      await sleep(Math.min((retry.baseDelayMs ?? 1_000) * 2 ** (attempt - 1), retry.maxDelayMs ?? 30_000));
    }
  }
}

async function attemptRefresh(client: GatewayClient, r: RemoteRefresh, notReadyDelayMs: number, sleep: (ms: number) => Promise<void>): Promise<RemoteRefreshResult> {
  const session = await client.openSession(refreshSessionName(r), r.initConfig);
  let operation: string | undefined;
  try {
    operation = await client.refresh(session, r.tableIdentifier, { scheduleTime: r.scheduleTimeText, dynamicOptions: r.dynamicOptions, executionConfig: r.executionConfig });
    let uri: string | undefined = client.resultUri(session, operation, 0);
    const rows: unknown[][] = [];
    while (uri) {
      const page = await client.fetch(uri);
      if (page.resultType === 'NOT_READY') {
        await sleep(notReadyDelayMs);
      } else {
        rows.push(...(page.results?.data ?? []).map((d) => d.fields));
        if (page.resultType === 'EOS' || rows.length > 0) break;
      }
      uri = page.nextResultUri;
    }
    const [jobId, clusterInfo] = rows[0] ?? [];
    if (typeof jobId !== 'string') throw new GatewayError(`The Flink gateway ${client.baseUrl} answered the refresh of ${r.tableIdentifier} without a job id.`, 200);
    return { operationHandle: operation, jobId, clusterInfo: (clusterInfo ?? {}) as Record<string, string> };
  } finally {
    // Whatever happened: Flink's job closes both (a failure to close is not the refresh's failure).
    if (operation !== undefined) await client.closeOperation(session, operation).catch(() => undefined);
    await client.closeSession(session).catch(() => undefined);
  }
}
