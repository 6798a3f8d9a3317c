// @ts-check
// The write side of the SQLite store, run on the writer thread (or inline). Plain JavaScript: see
// ../../expected-version.js. Appends arrive already validated and serialized (validation.ts); outcomes leave as
// plain data so they can cross a thread boundary.
import { retrySliceStart, sameIds, satisfiesExpected } from '../../expected-version.js';
import { eventChecksum } from './checksum.js';
import { sqlText } from './connection.js';

/**
 * @typedef {import('../../validation.ts').PreparedAppend} PreparedAppend
 * @typedef {{ nextExpectedVersion: number, position: number, first: number }} Written `first`: the position of
 *   the first event this append inserted (they are consecutive); 0 when it inserted none (a retry, or empty)
 * @typedef {{ conflict: number }} Conflict the stream's actual version
 * @typedef {{ failed: { code: string, message: string } }} Failed a SQLite error, as data
 * @typedef {Written | Conflict | Failed} WriteOutcome
 */

/** @param {unknown} error */
const codeOf = (error) =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : '';

/** @param {unknown} error @returns {Failed} */
const failed = (error) => ({ failed: { code: codeOf(error), message: error instanceof Error ? error.message : String(error) } });

/** @param {unknown} error */
export const isBusy = (error) => /^SQLITE_(BUSY|LOCKED)/.test(codeOf(error));

/** How many buckets recent_index has (sql/schema.sql). Fixed for a file: a stream's bucket is stored in its row. */
export const RECENT_BUCKETS = 16;
/**
 * One bucket is merged each time the log's position passes a multiple of this, so recent_index holds about
 * RECENT_BUCKETS × this many entries (~320,000, a few MB) at any rate of appends, and which bucket is due follows
 * from the log itself, whichever process writes. Measured with 10,000 streams appended every second: merging per
 * commit instead made small commits merge too often (2,500-append commits: 75 ms each, against 56 ms).
 */
export const MERGE_EVERY = 20_000;

/**
 * The buckets due when a transaction wrote positions (lowest, highest]: one per multiple of `every` passed.
 * @param {number} lowest the head position before the transaction
 * @param {number} highest the head position after it
 * @param {number} every
 */
export function bucketsDue(lowest, highest, every) {
  const buckets = [];
  const last = Math.floor(highest / every);
  for (let mark = Math.max(Math.floor(lowest / every) + 1, last - RECENT_BUCKETS + 1); mark <= last; mark += 1) {
    buckets.push(mark % RECENT_BUCKETS);
  }
  return buckets;
}

/**
 * Prepares the write statements on `db` and returns the batch writer.
 * @param {import('better-sqlite3').Database} db
 * @param {number} mergeEvery see MERGE_EVERY (tests pass small values to exercise merges)
 */
export function createBatchWriter(db, mergeEvery) {
  const begin = db.prepare('BEGIN IMMEDIATE'); // takes the write lock up front: the checks see what COMMIT follows
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const streamRow = db.prepare(sqlText('stream-row')).raw();
  const streamSliceIds = db.prepare(sqlText('stream-slice-ids'));
  const insertStream = db.prepare(sqlText('insert-stream'));
  const insertEvent = db.prepare(sqlText('insert-event'));
  const headPosition = db.prepare(sqlText('head-position')).pluck();
  const indexEvent = db.prepare(sqlText('index-event'));
  const setStreamHead = db.prepare(sqlText('set-stream-head'));
  const mergeBucket = db.prepare(sqlText('merge-bucket'));
  const forgetBucket = db.prepare(sqlText('forget-bucket'));

  /**
   * A stream as the transaction sees it; id 0 = no events yet (its row is inserted with its first events).
   * @typedef {{ id: number, version: number, position: number, bucket: number }} StreamState
   * @param {string} streamName
   * @returns {StreamState}
   */
  function loadStream(streamName) {
    const row = /** @type {[number, number, number, number] | undefined} */ (streamRow.get(streamName));
    return row === undefined ? { id: 0, version: 0, position: 0, bucket: 0 } : { id: row[0], version: row[1], position: row[2], bucket: row[3] };
  }

  /**
   * The result of the identical append this one retries, if it is one (see retrySliceStart).
   * @param {PreparedAppend} request
   * @param {StreamState} stream
   * @returns {Written | undefined}
   */
  function earlierAppend(request, stream) {
    const count = request.events.length;
    const start = retrySliceStart(request.expected, stream.version, count, request.idsGiven);
    if (start === undefined) return undefined;
    const earlier = /** @type {{ id: string, position: number }[]} */ (
      streamSliceIds.all({ streamId: stream.id, bucket: stream.bucket, from: start, to: start + count - 1 })
    );
    if (!sameIds(request.events.map((event) => event.id), earlier.map((row) => row.id))) return undefined;
    return { nextExpectedVersion: start + count - 1, position: /** @type {{ position: number }} */ (earlier[count - 1]).position, first: 0 };
  }

  /**
   * Inside the write transaction: `streams` holds the streams this batch already read or wrote.
   * @param {PreparedAppend} request
   * @param {Map<string, StreamState>} streams
   * @param {string} recordedAt
   * @param {{ head: number }} log the log's head position, moved by each event inserted
   * @returns {WriteOutcome}
   */
  function applyOne(request, streams, recordedAt, log) {
    const { streamName, expected, events } = request;
    let stream = streams.get(streamName);
    if (stream === undefined) {
      stream = loadStream(streamName);
      streams.set(streamName, stream);
    }
    const earlier = earlierAppend(request, stream);
    if (earlier !== undefined) return earlier;
    if (!satisfiesExpected(expected, stream.version)) return { conflict: stream.version };
    if (events.length === 0) return { nextExpectedVersion: stream.version, position: stream.position, first: 0 };
    const versionBefore = stream.version;
    let first = 0;
    for (const event of events) {
      stream.version += 1;
      // Numbered here, not by SQLite, so the checksum can cover the position (the write lock is held: head is exact).
      stream.position = log.head + 1;
      const { id, type, schemaVersion, dataJson, metadataJson } = event;
      const checksum = eventChecksum(stream.position, streamName, stream.version, id, type, schemaVersion, dataJson, metadataJson, recordedAt);
      insertEvent.run(stream.position, streamName, stream.version, id, type, schemaVersion, dataJson, metadataJson, recordedAt, checksum);
      log.head = stream.position;
      if (first === 0) first = stream.position;
    }
    if (stream.id === 0) {
      // A new stream's row is inserted already at its head: one statement fewer for a stream's first append.
      stream.id = Number(insertStream.run(streamName, stream.version, stream.position, RECENT_BUCKETS).lastInsertRowid);
      stream.bucket = stream.id % RECENT_BUCKETS;
    } else {
      setStreamHead.run(stream.version, stream.position, stream.id);
    }
    // One append's events hold consecutive positions (one transaction, rowids max + 1).
    for (let offset = 0; offset < events.length; offset += 1) indexEvent.run(stream.bucket, stream.id, versionBefore + 1 + offset, first + offset);
    return { nextExpectedVersion: stream.version, position: stream.position, first };
  }

  /**
   * Writes the appends in one transaction (one fsync). Each is checked on its own against the state inside the
   * transaction, where a later append to the same stream sees the earlier one; a conflicting append is skipped,
   * not the batch. An error that is not about the lock may belong to one append: each is then retried alone, so
   * it fails by itself.
   * @param {readonly PreparedAppend[]} appends
   * @param {string} recordedAt
   * @returns {WriteOutcome[]}
   */
  function write(appends, recordedAt) {
    /** @type {WriteOutcome[]} */
    const outcomes = [];
    const streams = new Map();
    try {
      begin.run();
      const log = { head: /** @type {number} */ (headPosition.get()) };
      let lowest = Infinity;
      let highest = 0;
      for (const request of appends) {
        const outcome = applyOne(request, streams, recordedAt, log);
        outcomes.push(outcome);
        if ('first' in outcome && outcome.first > 0) {
          lowest = Math.min(lowest, outcome.first - 1);
          highest = Math.max(highest, outcome.position);
        }
      }
      for (const bucket of bucketsDue(lowest, highest, mergeEvery)) {
        mergeBucket.run(bucket);
        forgetBucket.run(bucket);
      }
      commit.run();
      return outcomes;
    } catch (error) {
      try {
        if (db.inTransaction) rollback.run();
      } catch {
        // SQLite rolls back by itself when the rollback cannot run (e.g. the disk failed); the error says why.
      }
      if (appends.length > 1 && !isBusy(error)) return appends.flatMap((request) => write([request], recordedAt));
      return appends.map(() => failed(error));
    }
  }

  return { write };
}
