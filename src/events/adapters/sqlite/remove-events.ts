import { setImmediate } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import { EventStoreArgumentError } from '../../argument-error.ts';
import type { RemoveEventsOptions, RemoveEventsResult } from '../../types.ts';
import { checkRemoveEvents, removalRefusal } from '../../validation.ts';
import { sqlText } from './connection.js';

/**
 * Rows per transaction: each removal holds the write lock only briefly (appends by the writer thread wait at most
 * one chunk), and the WAL a chunk writes stays small, so its pages are checkpointed back into free pages of the
 * file that later appends reuse: the file stops growing under retention instead of shrinking and regrowing.
 */
const CHUNK = 2_000;

interface Candidate {
  position: number;
  streamName: string;
  version: number;
  type: string;
  recordedAt: string;
}

/**
 * Removes archived events on this thread's connection, chunk by chunk with a turn of the event loop between chunks.
 * Every position is checked before the first row goes, so a refused call removes nothing. The stream rows keep
 * their heads: versions and expected versions are untouched. `onRemoved` raises the in-memory bound of
 * checkContiguous with the file's.
 */
export async function removeSqliteEvents(db: Database, positions: readonly number[], options: RemoveEventsOptions, onRemoved: (consecutiveFrom: number) => void): Promise<RemoveEventsResult> {
  const checked = checkRemoveEvents(positions, options);
  const candidate = db.prepare<[number], Candidate>(sqlText('removal-candidate'));
  const head = (db.prepare(sqlText('head-position')).pluck().get() as number | null) ?? 0;
  const present: Candidate[] = [];
  for (const position of checked.positions) {
    const e = candidate.get(position);
    if (!e) continue;
    const refusal = removalRefusal(e, checked.recordedBefore, checked.keepTypes, head);
    if (refusal) throw new EventStoreArgumentError(`Nothing was removed: ${refusal}.`);
    present.push(e);
  }
  const streamRow = db.prepare<[string], { streamId: number; bucket: number }>('SELECT stream_id AS streamId, bucket FROM streams WHERE name = ?');
  const del = db.prepare(sqlText('delete-event'));
  const unindex = db.prepare(sqlText('unindex-event'));
  const unindexRecent = db.prepare(sqlText('unindex-recent-event'));
  const raise = db.prepare(sqlText('raise-consecutive-from'));
  const streams = new Map<string, { streamId: number; bucket: number }>();
  const removeChunk = db.transaction((chunk: Candidate[]) => {
    for (const e of chunk) {
      let stream = streams.get(e.streamName);
      if (!stream) streams.set(e.streamName, (stream = streamRow.get(e.streamName)!));
      del.run(e.position);
      unindex.run({ streamId: stream.streamId, version: e.version });
      unindexRecent.run({ bucket: stream.bucket, streamId: stream.streamId, version: e.version });
    }
    raise.run(chunk[chunk.length - 1]!.position + 1);
  });
  for (let at = 0; at < present.length; at += CHUNK) {
    const chunk = present.slice(at, at + CHUNK);
    removeChunk.immediate(chunk);
    onRemoved(chunk[chunk.length - 1]!.position + 1);
    await setImmediate();
  }
  return { removed: present.length };
}
