import type { EventStore, NewEvent } from '../../src/events/index.ts';

export interface OperationPlace {
  table: string;
  workflowId: string;
  /** Its nominal time, submission and start (epoch ms). */
  at: number;
}

/**
 * Scheduled refreshes that succeeded: Submitted with the first attempt's start in one append, then Finished, each
 * operation its own stream — the events and shapes the manager writes. `place(n)` says whose the n-th one is.
 */
export async function writeOperations(store: EventStore, operations: number, place: (n: number) => OperationPlace): Promise<string[]> {
  const handles: string[] = [];
  const meta = (at: number) => ({ actor: 'freshet-engine', correlationId: 'bench', occurredAt: new Date(at).toISOString() });
  for (let done = 0; done < operations; ) {
    const batch = Math.min(5_000, operations - done);
    await Promise.all(
      Array.from({ length: batch }, async (_, k) => {
        const n = done + k;
        const handle = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
        handles[n] = handle;
        const { table, workflowId, at } = place(n);
        const submitted: NewEvent = {
          type: 'RefreshSubmitted', schemaVersion: 1, metadata: meta(at),
          data: { operationHandle: handle, table, kind: 'periodic', scheduleTime: new Date(at).toISOString().slice(0, 19).replace('T', ' '), partitions: {}, dynamicOptions: {}, executionConfig: {}, threads: null, timeoutMs: null, maxAttempts: 3, disposition: 'started', workflowId, nominalTime: at, manual: false, submittedAt: at },
        };
        const started: NewEvent = { type: 'RefreshAttemptStarted', schemaVersion: 1, metadata: meta(at), data: { operationHandle: handle, table, attempt: 1, startedAt: at } };
        const finished: NewEvent = { type: 'RefreshFinished', schemaVersion: 1, metadata: meta(at + 5), data: { operationHandle: handle, table, attempt: 1, rowsWritten: 10, rowsDeleted: 10, finishedAt: at + 5 } };
        const stream = `operation-${handle}`;
        await store.appendToStream(stream, [submitted, started], { expectedVersion: 'no_stream' });
        await store.appendToStream(stream, [finished], { expectedVersion: 2 });
      }),
    );
    done += batch;
  }
  return handles;
}
