import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock/index.ts';
import type { FlinkResult } from './flink-results.ts';

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

export type StatementStatus = 'RUNNING' | 'FINISHED' | 'ERROR' | 'CANCELED';

/** A statement submitted through /v3 (its result lives here until the operation or session is closed). */
export interface StatementOperation {
  handle: string;
  status: StatementStatus;
  result?: FlinkResult;
  error?: string;
}

interface Session {
  handle: string;
  name: string;
  properties: Record<string, string>;
  lastUsed: number;
  statements: Map<string, StatementOperation>;
}

/**
 * Flink SQL Gateway sessions: in memory, like Flink's (a session does not survive a restart; workflows and
 * refresh operations do). Bounded: past `maxSessions` the least recently used session is closed.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly clock: Clock,
    private readonly maxSessions = 1000,
    private readonly maxStatementsPerSession = 1000,
  ) {}

  open(name: string | undefined, properties: Record<string, string>): string {
    if (this.sessions.size >= this.maxSessions) {
      const oldest = [...this.sessions.values()].sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (oldest) this.sessions.delete(oldest.handle);
    }
    const handle = randomUUID();
    this.sessions.set(handle, { handle, name: name ?? handle, properties, lastUsed: this.clock.now(), statements: new Map() });
    return handle;
  }

  close(handle: string): void {
    this.require(handle);
    this.sessions.delete(handle);
  }

  /** Throws SessionNotFoundError; marks the session used. */
  require(handle: string): { name: string; properties: Record<string, string> } {
    const s = this.sessions.get(handle);
    if (!s) throw new SessionNotFoundError(handle);
    s.lastUsed = this.clock.now();
    return s;
  }

  /** Runs `work` as a statement operation of the session; its handle is returned before it finishes. */
  submit(sessionHandle: string, work: () => Promise<FlinkResult>): string {
    const s = this.sessions.get(sessionHandle);
    if (!s) throw new SessionNotFoundError(sessionHandle);
    if (s.statements.size >= this.maxStatementsPerSession) {
      const settled = [...s.statements.values()].find((o) => o.status !== 'RUNNING');
      if (settled) s.statements.delete(settled.handle);
    }
    const op: StatementOperation = { handle: randomUUID(), status: 'RUNNING' };
    s.statements.set(op.handle, op);
    work().then(
      (result) => {
        if (op.status === 'RUNNING') Object.assign(op, { status: 'FINISHED', result });
      },
      (error: unknown) => {
        if (op.status === 'RUNNING') Object.assign(op, { status: 'ERROR', error: error instanceof Error ? error.message : String(error) });
      },
    );
    return op.handle;
  }

  /** The session's statement operation, or undefined (it may be a refresh operation of the manager). */
  statement(sessionHandle: string, operationHandle: string): StatementOperation | undefined {
    return this.sessions.get(sessionHandle)?.statements.get(operationHandle);
  }

  forget(sessionHandle: string, operationHandle: string): void {
    this.sessions.get(sessionHandle)?.statements.delete(operationHandle);
  }
}
