import type pg from 'pg';
import type { PreparedAppend } from '../../validation.ts';
import { isConnectionError } from './errors.ts';
import { planBatch, type Outcome, type StreamHead } from './plan.ts';
import type { Statements } from './statements.ts';

export interface BatchWriter {
  /** Writes the appends in one transaction and answers each one's outcome, in order; throws when the batch failed. */
  write(appends: readonly PreparedAppend[], recordedAt: string): Promise<Outcome[]>;
}

/**
 * The write side: a batch is one transaction that first locks the log's head row (see lock-head.sql), so batches of
 * every process commit one after another and positions are handed out in commit order. A subscriber reading the
 * log therefore never sees a position while a lower one is still to commit: no visibility fence is needed.
 */
export function createBatchWriter(pool: pg.Pool, sql: Statements, channel: string, durability: 'durable' | 'relaxed'): BatchWriter {
  // One round trip for both: the simple protocol runs several statements at once.
  const begin = `BEGIN;${durability === 'relaxed' ? ' SET LOCAL synchronous_commit = off;' : ''} ${sql.lockHead}`;
  return {
    async write(appends, recordedAt) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        const results = (await client.query(begin)) as unknown as pg.QueryResult<{ position: number }>[];
        const head = results[results.length - 1]!.rows[0]!.position;
        const names = [...new Set(appends.map((append) => append.streamName))];
        const stored = new Map<string, StreamHead>();
        for (const row of (await client.query<{ name: string } & StreamHead>(sql.streamHeads, [names])).rows) stored.set(row.name, row);
        const plan = await planBatch(appends, stored, head, async (stream, from, to) => (await client.query<{ id: string; position: number }>(sql.streamSliceIds, [stream, from, to])).rows);
        if (plan.columns.streams.length === 0) {
          await client.query('ROLLBACK');
          return plan.outcomes;
        }
        const { streams, versions, ids, types, schemaVersions, data, metadata } = plan.columns;
        // JSON arrays, not driver arrays: JSON.stringify is native, and each event's data is already JSON text.
        const columns = [streams, versions, ids, types, schemaVersions].map((column) => JSON.stringify(column));
        await client.query(sql.writeBatch, [head, ...columns, `[${data.join(',')}]`, `[${metadata.join(',')}]`, recordedAt, plan.head, channel]);
        await client.query('COMMIT');
        return plan.outcomes;
      } catch (error) {
        if (isConnectionError(error)) broken = error instanceof Error ? error : new Error(String(error));
        else await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        // A client whose connection failed is destroyed, not handed to the next batch.
        client.release(broken);
      }
    },
  };
}
