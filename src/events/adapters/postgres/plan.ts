import { retrySliceStart, sameIds, satisfiesExpected } from '../../expected-version.js';
import type { AppendResult } from '../../types.ts';
import type { PreparedAppend } from '../../validation.ts';

export interface StreamHead {
  version: number;
  position: number;
}

/** What became of one append of a batch: written (first = its first position, 0 when it wrote nothing), or refused. */
export type Outcome = { written: AppendResult; first: number } | { conflict: number };

/** The events a batch inserts, column by column (as write-batch.sql takes them); positions follow the head. */
export interface Columns {
  streams: string[];
  versions: number[];
  ids: string[];
  types: string[];
  schemaVersions: number[];
  data: string[];
  metadata: string[];
}

export interface Plan {
  outcomes: Outcome[];
  columns: Columns;
  /** The log's head after the batch. */
  head: number;
}

interface StreamState extends StreamHead {
  /** The version the stream has in the database; versions above it are in this batch (pending). */
  stored: number;
  pending: { id: string; position: number }[];
}

/** Ids and positions of versions [from, to] of a stream as stored, oldest first. */
export type ReadSlice = (streamName: string, from: number, to: number) => Promise<{ id: string; position: number }[]>;

/**
 * Decides a batch under the head lock: each append is checked in turn against the streams as the database has them
 * plus what earlier appends of the batch wrote, so a batch behaves as its appends one after another. Positions
 * follow the head without a gap (the lock makes them free). Only a possible retry reads anything more.
 */
export async function planBatch(appends: readonly PreparedAppend[], stored: ReadonlyMap<string, StreamHead>, head: number, readSlice: ReadSlice): Promise<Plan> {
  const columns: Columns = { streams: [], versions: [], ids: [], types: [], schemaVersions: [], data: [], metadata: [] };
  const states = new Map<string, StreamState>();
  const outcomes: Outcome[] = [];
  for (const request of appends) {
    const { streamName, expected, events } = request;
    let state = states.get(streamName);
    if (state === undefined) {
      // Fields spelled out: an object spread here cost ~1.7 µs per stream, a third of a batch's planning.
      const known = stored.get(streamName);
      const version = known?.version ?? 0;
      states.set(streamName, (state = { version, position: known?.position ?? 0, stored: version, pending: [] }));
    }
    const start = retrySliceStart(expected, state.version, events.length, request.idsGiven);
    if (start !== undefined) {
      const earlier = await sliceOf(state, streamName, start, start + events.length - 1, readSlice);
      if (sameIds(events.map((event) => event.id), earlier.map((row) => row.id))) {
        outcomes.push({ written: { nextExpectedVersion: start + events.length - 1, position: earlier[earlier.length - 1]!.position }, first: 0 });
        continue;
      }
    }
    if (!satisfiesExpected(expected, state.version)) {
      outcomes.push({ conflict: state.version });
      continue;
    }
    const first = events.length === 0 ? 0 : head + 1;
    for (const event of events) {
      head += 1;
      state.version += 1;
      state.position = head;
      state.pending.push({ id: event.id, position: head });
      columns.streams.push(streamName);
      columns.versions.push(state.version);
      columns.ids.push(event.id);
      columns.types.push(event.type);
      columns.schemaVersions.push(event.schemaVersion);
      columns.data.push(event.dataJson);
      columns.metadata.push(event.metadataJson);
    }
    outcomes.push({ written: { nextExpectedVersion: state.version, position: state.position }, first });
  }
  return { outcomes, columns, head };
}

/** A slice may lie partly in the database and partly in this batch. */
async function sliceOf(state: StreamState, streamName: string, from: number, to: number, readSlice: ReadSlice): Promise<{ id: string; position: number }[]> {
  const fromDb = from <= state.stored ? await readSlice(streamName, from, Math.min(to, state.stored)) : [];
  const pending = to > state.stored ? state.pending.slice(Math.max(from, state.stored + 1) - state.stored - 1, to - state.stored) : [];
  return fromDb.concat(pending);
}
