import { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from '../../errors.ts';
import type { PreparedAppend } from '../../validation.ts';
import type { WriteOutcome } from './batch-writer.js';
import type { BatchSink } from './group-commit.ts';

export interface WriterThreadOptions {
  path: string;
  durability: 'durable' | 'relaxed';
  busyTimeoutMs: number;
  indexMergeEvery: number;
}

interface Waiting {
  resolve: (outcomes: WriteOutcome[]) => void;
  reject: (error: unknown) => void;
}

/**
 * The main thread's side of writer-thread.js. A batch is posted and its outcomes come back in order; while
 * batches are in flight the thread keeps the process alive (an acknowledged append is never dropped by a natural
 * exit), and when idle it does not. If the thread dies, every batch in flight and every later one fails with
 * StoreUnavailableError: nothing is reported written that was not.
 */
export class WriterThread implements BatchSink {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private failure: StoreUnavailableError | undefined;
  private readonly exited: Promise<void>;
  private onDrained: (() => void) | undefined;

  constructor(private readonly options: WriterThreadOptions) {
    // No inherited execArgv: a TypeScript loader or profiler flag of the main process is not needed here.
    this.worker = new Worker(new URL('./writer-thread.js', import.meta.url), { workerData: options, execArgv: [] });
    this.worker.unref();
    this.worker.on('message', (reply: { id: number; outcomes: WriteOutcome[] }) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      waiting?.resolve(reply.outcomes);
      if (this.waiting.size === 0) {
        this.worker.unref();
        this.onDrained?.();
      }
    });
    this.worker.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        this.fail(new Error(`the writer thread exited (code ${code})`));
        resolve();
      }),
    );
  }

  write(appends: PreparedAppend[], recordedAt: string): Promise<WriteOutcome[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<WriteOutcome[]>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, recordedAt, appends });
    });
  }

  /** Waits for the batches in flight, then the thread closes its connection and exits. */
  async close(): Promise<void> {
    this.worker.ref();
    if (this.waiting.size > 0) await new Promise<void>((resolve) => (this.onDrained = resolve));
    this.worker.postMessage('close');
    await this.exited;
  }

  private fail(error: Error): void {
    this.failure ??= new StoreUnavailableError(`Event store file ${this.options.path} cannot be written: ${error.message}`, { cause: error });
    for (const waiting of this.waiting.values()) waiting.reject(this.failure);
    this.waiting.clear();
    this.onDrained?.();
  }
}
