import { StoreCorruptedError } from '../../errors.ts';
import type { RecordedEvent } from '../../types.ts';
import { eventChecksum } from './checksum.js';
import type { EventRow } from './statements.ts';

/**
 * Turns stored rows into events, verifying each: its checksum first (a damaged or edited row is never handed
 * on, however plausible it looks), then that its JSON parses. A failure names the file, the position and the
 * stream, so whoever restores the file knows what was hit.
 */
export function rowReader(path: string): (row: EventRow) => RecordedEvent {
  const damaged = (row: EventRow, what: string) =>
    new StoreCorruptedError(
      `Event store file ${path} is damaged at position ${row[0]} (stream ${row[1]}, version ${row[2]}): ${what}. ` +
        'It was left untouched; restore it from a backup (freshet replay --verify checks a whole file).',
    );
  return (row) => {
    const [position, stream, version, id, type, schemaVersion, data, metadata, recordedAt, checksum] = row;
    if (eventChecksum(position, stream, version, id, type, schemaVersion, data, metadata, recordedAt) !== checksum) {
      throw damaged(row, 'the event does not match its checksum');
    }
    try {
      return recordedOf(row);
    } catch (error) {
      throw damaged(row, `its JSON cannot be read (${(error as Error).message})`);
    }
  };
}

/** A row this process has just written, from memory: nothing to verify. */
export function recordedOf(row: EventRow): RecordedEvent {
  return {
    id: row[3],
    type: row[4],
    schemaVersion: row[5],
    data: JSON.parse(row[6]) as unknown,
    metadata: JSON.parse(row[7]) as RecordedEvent['metadata'],
    streamName: row[1],
    version: row[2],
    position: row[0],
    recordedAt: row[8],
  };
}

/**
 * Positions are consecutive from `from` on (the writer numbers them head + 1, and rows are never deleted), so an
 * unfiltered page that skips one there has lost a row.
 */
export function checkContiguous(path: string, from: number, after: number, rows: readonly EventRow[]): void {
  let expected = after + 1;
  for (const row of rows) {
    if (row[0] !== expected && expected >= from) {
      throw new StoreCorruptedError(
        `Event store file ${path} is missing ${row[0] - expected === 1 ? `the event at position ${expected}` : `the events at positions ${expected} to ${row[0] - 1}`} ` +
          `(the next one is ${row[0]}, stream ${row[1]}). It was left untouched; restore it from a backup.`,
      );
    }
    expected = row[0] + 1; // from the row itself: a gap older than `from` must not shift what follows
  }
}
