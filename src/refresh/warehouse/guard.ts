import type { DuckDBConnection } from '@duckdb/node-api';
import { WarehouseError } from './errors.ts';
import type { CancelReason } from './errors.ts';

const CANCELLED: unique symbol = Symbol('cancelled');

type CancelledError = (reason: CancelReason, cause?: unknown) => WarehouseError;

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs one operation's statements so that a signal, a timeout or `close()` really stops them.
 *
 * DuckDB's `interrupt()` only stops a query that is already executing: an interrupt sent while the
 * statement is still queued for a worker thread is forgotten when the query begins. So once cancelled
 * we keep interrupting, once per event-loop turn, until the running statement settles; and a statement
 * that has not started yet is never started.
 */
export class StatementGuard {
  reason: CancelReason | undefined;
  private running: DuckDBConnection | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onAbort = () => this.cancel('aborted');
  private readonly cancelListeners = new Set<() => void>();

  constructor(
    private readonly options: { signal?: AbortSignal; timeoutMs?: number },
    private readonly cancelledError: CancelledError,
  ) {
    const { signal, timeoutMs } = options;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new WarehouseError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}.`);
    }
    if (signal?.aborted) this.reason = 'aborted';
    else signal?.addEventListener('abort', this.onAbort, { once: true });
    if (timeoutMs !== undefined && this.reason === undefined) this.armTimeout(timeoutMs);
  }

  /** Node clamps a delay above 2^31-1 ms to 1 ms: a 30-day timeout would cancel at once. Wait in chunks instead. */
  private armTimeout(leftMs: number): void {
    const chunk = Math.min(leftMs, MAX_TIMER_MS);
    this.timer = setTimeout(() => (leftMs > chunk ? this.armTimeout(leftMs - chunk) : this.cancel('timeout')), chunk);
  }

  cancel(reason: CancelReason): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    for (const listener of this.cancelListeners) listener();
    const connection = this.running;
    if (connection !== undefined) this.interruptUntilSettled(connection);
  }

  throwIfCancelled(): void {
    if (this.reason !== undefined) throw this.cancelledError(this.reason);
  }

  async run<T>(connection: DuckDBConnection, statement: () => Promise<T>): Promise<T> {
    this.throwIfCancelled();
    this.running = connection;
    try {
      return await statement();
    } catch (error) {
      if (this.reason !== undefined) throw this.cancelledError(this.reason, error);
      throw error;
    } finally {
      this.running = undefined;
    }
  }

  /**
   * Waits for a lock or a pooled connection, giving up as soon as the operation is cancelled. What
   * arrives after giving up is handed to `giveBack`, so a cancelled waiter never leaks it.
   */
  async waitFor<T>(pending: Promise<T>, giveBack: (value: T) => void): Promise<T> {
    if (this.reason !== undefined) {
      // Cancelled before the wait began: what was queued for must still be handed back when it arrives,
      // or the table lock (or connection) is never released and the next refresh waits forever.
      void pending.then(giveBack, () => {});
      this.throwIfCancelled();
    }
    let onCancel = () => {};
    const cancelled = new Promise<typeof CANCELLED>((resolve) => {
      onCancel = () => resolve(CANCELLED);
    });
    this.cancelListeners.add(onCancel);
    try {
      const winner = await Promise.race([pending, cancelled]);
      if (winner === CANCELLED) {
        void pending.then(giveBack, () => {});
        throw this.cancelledError(this.reason ?? 'aborted');
      }
      return winner;
    } finally {
      this.cancelListeners.delete(onCancel);
    }
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }

  private interruptUntilSettled(connection: DuckDBConnection): void {
    const again = () => {
      if (this.running !== connection) return;
      connection.interrupt();
      setImmediate(again);
    };
    again();
  }
}
