import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/index.ts';
import { maskSensitive } from './config.ts';
import type { FlinkResult } from './results.ts';

/** Flink's SqlGatewayException for an unknown session, word for word. */
export class SessionNotFoundError extends Error {
  override name = 'SessionNotFoundError';
  constructor(readonly sessionHandle: string) {
    super(`Session '${sessionHandle}' does not exist.`);
  }
}

/** Flink's OperationManager message for an unknown operation handle. */
export class OperationNotFoundError extends Error {
  override name = 'OperationNotFoundError';
  constructor(readonly operationHandle: string) {
    super(`Can not find the submitted operation in the OperationManager with the ${operationHandle}.`);
  }
}

/** The statement behind an operation failed; fetching its result answers with the failure. */
export class StatementFailedError extends Error {
  override name = 'StatementFailedError';
}

export class TokenOutOfRangeError extends Error {
  override name = 'TokenOutOfRangeError';
}

/** Flink's OperationStatus values a statement of freshet's goes through. */
export type StatementStatus = 'RUNNING' | 'FINISHED' | 'ERROR' | 'CANCELED' | 'TIMEOUT';

/** A statement submitted through a session (its result lives here until the operation or session is closed). */
export interface StatementOperation {
  handle: string;
  status: StatementStatus;
  result?: FlinkResult;
  error?: string;
  /** Aborts the running statement (DuckDB is interrupted and rolls back). */
  abort: AbortController;
}

interface Session {
  handle: string;
  name: string;
  /** What the client opened the session with and SET since; the gateway's defaults lie beneath. */
  properties: Map<string, string>;
  lastUsed: number;
  statements: Map<string, StatementOperation>;
}

export interface SessionOptions {
  /** The gateway's configuration every session starts from (Flink's default context). */
  defaults?: Record<string, string>;
  /** A session unused this long is closed (Flink's `sql-gateway.session.idle-timeout`, 10 min). */
  idleTimeoutMs?: number;
  maxSessions?: number;
  maxStatementsPerSession?: number;
}

/**
 * Flink SQL Gateway sessions: in memory, like Flink's (a session does not survive a restart; workflows and
 * refresh operations do). Bounded: past `maxSessions` the least recently used session is closed; an idle one
 * expires when it is next looked at (time read from the clock, no timer).
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  readonly defaults: Readonly<Record<string, string>>;
  private readonly idleTimeoutMs: number;
  private readonly maxSessions: number;
  private readonly maxStatementsPerSession: number;

  constructor(
    private readonly clock: Clock,
    options: SessionOptions = {},
  ) {
    this.defaults = { ...options.defaults };
    this.idleTimeoutMs = options.idleTimeoutMs ?? 10 * 60_000;
    this.maxSessions = options.maxSessions ?? 1000;
    this.maxStatementsPerSession = options.maxStatementsPerSession ?? 1000;
  }

  open(name: string | undefined, properties: Record<string, string>): string {
    for (const s of [...this.sessions.values()]) if (this.expired(s)) this.sessions.delete(s.handle);
    if (this.sessions.size >= this.maxSessions) {
      const oldest = [...this.sessions.values()].sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (oldest) this.drop(oldest);
    }
    const handle = randomUUID();
    this.sessions.set(handle, { handle, name: name ?? handle, properties: new Map(Object.entries(properties)), lastUsed: this.clock.now(), statements: new Map() });
    return handle;
  }

  close(handle: string): void {
    this.drop(this.require(handle));
  }

  /** Throws SessionNotFoundError; marks the session used (which is all a heartbeat does). */
  require(handle: string): Session {
    const s = this.sessions.get(handle);
    if (!s || this.expired(s)) {
      if (s) this.drop(s);
      throw new SessionNotFoundError(handle);
    }
    s.lastUsed = this.clock.now();
    return s;
  }

  /** The session's effective configuration: the defaults overlaid with its own properties. */
  configuration(handle: string): Record<string, string> {
    return { ...this.defaults, ...Object.fromEntries(this.require(handle).properties) };
  }

  /** As GET /sessions/:handle shows it: sensitive values masked. */
  shownConfiguration(handle: string): Record<string, string> {
    return maskSensitive(this.configuration(handle));
  }

  set(handle: string, key: string, value: string): void {
    this.require(handle).properties.set(key, value);
  }

  /** RESET 'key' back to the default; RESET alone clears everything the session set. */
  reset(handle: string, key?: string): void {
    const s = this.require(handle);
    if (key === undefined) s.properties.clear();
    else s.properties.delete(key);
  }

  /** Runs `work` as a statement operation of the session; its handle is returned before it finishes. */
  submit(sessionHandle: string, work: (signal: AbortSignal) => Promise<FlinkResult>, classify: (error: unknown) => StatementStatus = () => 'ERROR'): string {
    const s = this.require(sessionHandle);
    if (s.statements.size >= this.maxStatementsPerSession) {
      const settled = [...s.statements.values()].find((o) => o.status !== 'RUNNING');
      if (settled) s.statements.delete(settled.handle);
    }
    const op: StatementOperation = { handle: randomUUID(), status: 'RUNNING', abort: new AbortController() };
    s.statements.set(op.handle, op);
    work(op.abort.signal).then(
      (result) => {
        if (op.status === 'RUNNING') Object.assign(op, { status: 'FINISHED', result });
      },
      (error: unknown) => {
        if (op.status === 'RUNNING') Object.assign(op, { status: classify(error), error: error instanceof Error ? error.message : String(error) });
      },
    );
    return op.handle;
  }

  /** The session's statement operation, or undefined (it may be a refresh operation of the manager). */
  statement(sessionHandle: string, operationHandle: string): StatementOperation | undefined {
    return this.sessions.get(sessionHandle)?.statements.get(operationHandle);
  }

  forget(sessionHandle: string, operationHandle: string): void {
    const s = this.sessions.get(sessionHandle);
    s?.statements.get(operationHandle)?.abort.abort();
    s?.statements.delete(operationHandle);
  }

  private expired(s: Session): boolean {
    return this.clock.now() - s.lastUsed > this.idleTimeoutMs;
  }

  /** Closing a session closes its operations, as Flink's does: running statements are interrupted. */
  private drop(s: Session): void {
    for (const op of s.statements.values()) op.abort.abort();
    this.sessions.delete(s.handle);
  }
}
