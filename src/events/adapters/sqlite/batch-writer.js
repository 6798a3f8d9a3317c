// @ts-check
// The write side of the SQLite store, run on the writer thread (or inline). Plain JavaScript: see
// ../../expected-version.js. Appends arrive already validated and serialized (validation.ts); outcomes leave as
// plain data so they can cross a thread boundary.
import { retrySliceStart, sameIds, satisfiesExpected } from '../../expected-version.js';
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

/**
 * Prepares the write statements on `db` and returns the batch writer.
 * @param {import('better-sqlite3').Database} db
 */
export function createBatchWriter(db) {
  const begin = db.prepare('BEGIN IMMEDIATE'); // takes the write lock up front: the checks see what COMMIT follows
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const streamVersion = db.prepare(sqlText('stream-version')).pluck();
  const streamHead = db.prepare(sqlText('stream-head'));
  const streamSliceIds = db.prepare(sqlText('stream-slice-ids'));
  const insertEvent = db.prepare(sqlText('insert-event'));
  const insertFirstEvent = db.prepare(sqlText('insert-first-event'));

  /**
   * The result of the identical append this one retries, if it is one (see retrySliceStart).
   * @param {PreparedAppend} request
   * @param {number} actual
   * @returns {Written | undefined}
   */
  function earlierAppend(request, actual) {
    const count = request.events.length;
    const start = retrySliceStart(request.expected, actual, count, request.idsGiven);
    if (start === undefined) return undefined;
    const earlier = /** @type {{ id: string, position: number }[]} */ (streamSliceIds.all(request.streamName, start, start + count - 1));
    if (!sameIds(request.events.map((event) => event.id), earlier.map((row) => row.id))) return undefined;
    return { nextExpectedVersion: start + count - 1, position: /** @type {{ position: number }} */ (earlier[count - 1]).position, first: 0 };
  }

  /**
   * Inside the write transaction: `versions` holds the streams this batch already wrote.
   * @param {PreparedAppend} request
   * @param {Map<string, number>} versions
   * @param {string} recordedAt
   * @returns {WriteOutcome}
   */
  function applyOne(request, versions, recordedAt) {
    const { streamName, expected, events } = request;
    const count = events.length;
    let version = versions.get(streamName);
    let position = 0;
    let first = 0;
    let written = 0;
    const head = events[0];
    if (version === undefined && head !== undefined && (expected === 'no_stream' || expected === 0)) {
      // Fast path for a new stream, one statement: the first event lands only if the stream does not exist.
      const info = insertFirstEvent.run(streamName, head.id, head.type, head.schemaVersion, head.dataJson, head.metadataJson, recordedAt);
      if (info.changes === 1) {
        version = 1;
        first = position = Number(info.lastInsertRowid);
        written = 1;
      }
    }
    if (written === 0) {
      const actual = version ?? /** @type {number | null} */ (streamVersion.get(streamName)) ?? 0;
      const earlier = earlierAppend(request, actual);
      if (earlier !== undefined) return earlier;
      if (!satisfiesExpected(expected, actual)) return { conflict: actual };
      if (count === 0) {
        const newest = /** @type {{ position: number } | undefined} */ (streamHead.get(streamName));
        return { nextExpectedVersion: actual, position: newest?.position ?? 0, first: 0 };
      }
      version = actual;
    }
    let next = version ?? 0; // set above, or 1 by the fast path
    for (let index = written; index < count; index += 1) {
      const event = /** @type {import('../../validation.ts').PreparedEvent} */ (events[index]);
      next += 1;
      position = Number(insertEvent.run(streamName, next, event.id, event.type, event.schemaVersion, event.dataJson, event.metadataJson, recordedAt).lastInsertRowid);
      if (first === 0) first = position;
    }
    versions.set(streamName, next);
    return { nextExpectedVersion: next, position, first };
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
    const versions = new Map();
    try {
      begin.run();
      for (const request of appends) outcomes.push(applyOne(request, versions, recordedAt));
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
