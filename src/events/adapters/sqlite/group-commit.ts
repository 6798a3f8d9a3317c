import { setImmediate } from 'node:timers';
import type { Clock } from '../../../clock/index.ts';
import { StoreUnavailableError, VersionConflictError } from '../../errors.ts';
import type { AppendResult } from '../../types.ts';
import type { PreparedAppend, PreparedEvent } from '../../validation.ts';
import type { WriteOutcome } from './batch-writer.js';
import { mapSqliteError } from './errors.ts';

/** Where batches are written: inline on this thread's connection, or by the writer thread (see WriterThread). */
export interface BatchSink {
  write(appends: PreparedAppend[], recordedAt: string): WriteOutcome[] | Promise<WriteOutcome[]>;
  /** Resolves once every batch handed over is written and the sink's connection is closed. */
  close(): Promise<void>;
}

/** An append as committed: its events hold positions first, first + 1, … and end at version nextVersion. */
export interface CommittedAppend {
  streamName: string;
  events: readonly PreparedEvent[];
  first: number;
  nextVersion: number;
}

interface Pending {
  request: PreparedAppend;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Bounds one transaction. A burst larger than this is handed over as soon as it fills a batch, inside the append
 * call: the writer thread commits it while this thread prepares the next (10,000 claims due together: the pass took
 * ~450 ms as one batch, the main thread's and the writer's ~200 ms each in turn), the pending appends die young (a
 * 20,000-append burst held until the next tick spent a third of its time in garbage collection), and the write lock
 * is held briefly. Not much smaller: each transaction writes its dirty index pages again (10,000 appends to
 * 10,000 streams: one commit ~240 ms, four of 2,500 ~56 ms each).
 */
const MAX_BATCH = 2_500;

/**
 * Group commit: appends that arrive in the same turn of the event loop are written in one transaction, so they
 * share one fsync (see batch-writer.js for how each is checked). Promises settle only once the batch is
 * committed, i.e. durable; batches are written and settled in the order they were handed over.
 *
 * setImmediate comes from node:timers so fake timers in tests (which patch the globals) cannot stall appends.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly sink: BatchSink,
    private readonly clock: Clock,
    private readonly path: string,
    /** Told after each commit that wrote events: the newest position, and what was written (must not throw). */
    private readonly onCommitted: (head: number, written: CommittedAppend[], recordedAt: string) => void,
  ) {}

  enqueue(request: PreparedAppend): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (this.queue.length >= MAX_BATCH) {
        this.flush();
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Hands everything queued to the sink, waits for it to be written, and closes the sink. */
  close(): Promise<void> {
    this.flush();
    return this.sink.close();
  }

  private flush(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const recordedAt = new Date(this.clock.now()).toISOString();
    let written: WriteOutcome[] | Promise<WriteOutcome[]>;
    try {
      written = this.sink.write(batch.map((pending) => pending.request), recordedAt);
    } catch (error) {
      written = Promise.reject(error);
    }
    if (Array.isArray(written)) this.settle(batch, written, recordedAt);
    else written.then((outcomes) => this.settle(batch, outcomes, recordedAt), (error: unknown) => this.fail(batch, error));
  }

  private settle(batch: Pending[], outcomes: WriteOutcome[], recordedAt: string): void {
    let head = 0;
    const committed: CommittedAppend[] = [];
    batch.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if ('failed' in outcome) {
        const { code, message } = outcome.failed;
        pending.reject(mapSqliteError(Object.assign(new Error(message), { code }), this.path, 'appending'));
      } else if ('conflict' in outcome) {
        pending.reject(new VersionConflictError(pending.request.streamName, pending.request.expected, outcome.conflict));
      } else {
        const { streamName, events } = pending.request;
        pending.resolve({ nextExpectedVersion: outcome.nextExpectedVersion, position: outcome.position });
        head = Math.max(head, outcome.position);
        if (outcome.first > 0) committed.push({ streamName, events, first: outcome.first, nextVersion: outcome.nextExpectedVersion });
      }
    });
    if (head > 0) this.onCommitted(head, committed, recordedAt);
  }

  private fail(batch: Pending[], error: unknown): void {
    const reason = error instanceof StoreUnavailableError ? error : new StoreUnavailableError(`Appending to ${this.path} failed: ${String(error)}`, { cause: error });
    for (const pending of batch) pending.reject(reason);
  }
}

export const closedError = (path: string): StoreUnavailableError => new StoreUnavailableError(`Event store file ${path} is closed.`);
