import { setImmediate } from 'node:timers';
import type { Clock } from '../../../clock/index.ts';
import { VersionConflictError } from '../../errors.ts';
import type { AppendResult } from '../../types.ts';
import type { PreparedAppend } from '../../validation.ts';
import { isConnectionError, mapPgError } from './errors.ts';
import type { BatchWriter } from './write-batch.ts';

interface Pending {
  request: PreparedAppend;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** Bounds one transaction's parameters (each event is 8 array elements) and how long it holds the head lock. */
const MAX_BATCH = 5_000;

/**
 * Group commit: one batch in flight at a time; appends that arrive meanwhile (or in the same turn of the event loop)
 * go together in the next transaction and share its fsync, so the batch grows with the commit latency. Promises
 * settle once their batch has committed. setImmediate comes from node:timers so fake timers cannot stall appends.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly writer: BatchWriter,
    private readonly clock: Clock,
    private readonly label: string,
    /** Told after each commit that wrote events, with the log's new head (must not throw). */
    private readonly onCommitted: (head: number) => void,
  ) {}

  enqueue(request: PreparedAppend): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (this.inFlight === undefined && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Resolves once every append handed over so far has been written (or has failed). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight !== undefined) {
      this.flush();
      await this.inFlight;
    }
  }

  private flush(): void {
    if (this.inFlight !== undefined || this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_BATCH);
    this.inFlight = this.run(batch).finally(() => {
      this.inFlight = undefined;
      this.flush();
    });
  }

  private async run(batch: Pending[]): Promise<void> {
    const recordedAt = new Date(this.clock.now()).toISOString();
    let outcomes;
    try {
      outcomes = await this.writer.write(batch.map((pending) => pending.request), recordedAt);
    } catch (error) {
      // An error that is not the connection's may belong to one append (a value the server refuses): each is
      // then written alone, so it fails by itself.
      if (batch.length > 1 && !isConnectionError(error)) {
        for (const pending of batch) await this.run([pending]);
        return;
      }
      const reason = mapPgError(error, this.label, 'appending');
      for (const pending of batch) pending.reject(reason);
      return;
    }
    let head = 0;
    batch.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if ('conflict' in outcome) {
        pending.reject(new VersionConflictError(pending.request.streamName, pending.request.expected, outcome.conflict));
        return;
      }
      pending.resolve(outcome.written);
      if (outcome.first > 0) head = Math.max(head, outcome.written.position);
    });
    if (head > 0) this.onCommitted(head);
  }
}
