import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { RecordedEvent } from '../events/index.ts';

export const ARCHIVE_FORMAT = 'freshet-history-archive';
export const ARCHIVE_FORMAT_VERSION = 1;

/** The first line of an archive file: enough to read it without freshet's code or its log at hand. */
export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  formatVersion: number;
  /** The log the events came from, and its first event (id and commit instant), which names it across copies. */
  log: { name: string; firstEvent: string | null };
  fromPosition: number;
  toPosition: number;
  events: number;
  cutoff: string | null;
  createdAt: string;
  /** One line per event after this one: the RecordedEvent as JSON, in position order; then the trailer. */
  lines: 'RecordedEvent';
}

/**
 * The last line: the SHA-256 over the event lines (each with its newline), so the lines can be checked once
 * unzipped. A trailer, not a header field: the file is written as the lines are made, never all in memory at once.
 */
export interface ArchiveTrailer {
  trailer: true;
  eventsSha256: string;
}

export interface WrittenArchive {
  file: string;
  sha256: string;
  bytes: number;
}

const lineOf = (e: RecordedEvent): string =>
  JSON.stringify({ position: e.position, streamName: e.streamName, version: e.version, id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata, recordedAt: e.recordedAt });

/**
 * Writes the events (in position order) as gzip'd NDJSON under `dir`: to a temporary name, fsync'd, then renamed,
 * so a file with the final name is always whole. The events are removed from the log only after this returns.
 */
export async function writeArchive(dir: string, name: string, events: readonly RecordedEvent[], header: Omit<ArchiveHeader, 'format' | 'formatVersion' | 'events' | 'lines' | 'fromPosition' | 'toPosition'>): Promise<WrittenArchive> {
  const head: ArchiveHeader = {
    format: ARCHIVE_FORMAT,
    formatVersion: ARCHIVE_FORMAT_VERSION,
    ...header,
    fromPosition: events[0]?.position ?? 0,
    toPosition: events[events.length - 1]?.position ?? 0,
    events: events.length,
    lines: 'RecordedEvent',
  };
  const path = join(dir, name);
  const tmp = `${path}.tmp`;
  const fileHash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      fileHash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  // Lines are made as the gzip stream asks for them (in batches), so the event loop runs between batches.
  function* text(): Generator<string> {
    yield `${JSON.stringify(head)}\n`;
    const eventsHash = createHash('sha256');
    for (let at = 0; at < events.length; at += 1_000) {
      let batch = '';
      for (const e of events.slice(at, at + 1_000)) batch += `${lineOf(e)}\n`;
      eventsHash.update(batch);
      yield batch;
    }
    const trailer: ArchiveTrailer = { trailer: true, eventsSha256: eventsHash.digest('hex') };
    yield `${JSON.stringify(trailer)}\n`;
  }
  try {
    await pipeline(Readable.from(text(), { objectMode: false }), createGzip(), tap, createWriteStream(tmp));
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
    const dirFd = openSync(dir, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  return { file: name, sha256: fileHash.digest('hex'), bytes };
}

/** SHA-256 of a file's bytes. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A malformed archive: names the file and what is wrong with it. */
export class ArchiveUnreadableError extends Error {
  override name = 'ArchiveUnreadableError';
}

/**
 * Reads an archive: its header, then its events one by one (in position order), checking each line parses, and
 * that the lines hash to the trailer's eventsSha256 and are as many as the header says once the last is read.
 */
export async function* readArchive(path: string): AsyncGenerator<ArchiveHeader | RecordedEvent> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  let header: ArchiveHeader | undefined;
  let trailer: ArchiveTrailer | undefined;
  const hash = createHash('sha256');
  let count = 0;
  try {
    for await (const line of lines) {
      if (trailer !== undefined) throw new ArchiveUnreadableError(`${path} has lines after its trailer.`);
      if (header === undefined) {
        header = JSON.parse(line) as ArchiveHeader;
        if (header.format !== ARCHIVE_FORMAT) throw new ArchiveUnreadableError(`${path} is not a freshet history archive (its first line has no format ${ARCHIVE_FORMAT}).`);
        if (header.formatVersion > ARCHIVE_FORMAT_VERSION) throw new ArchiveUnreadableError(`${path} has format version ${header.formatVersion}, newer than this freshet reads (${ARCHIVE_FORMAT_VERSION}).`);
        yield header;
        continue;
      }
      const item = JSON.parse(line) as RecordedEvent | ArchiveTrailer;
      if ('trailer' in item) {
        trailer = item;
        continue;
      }
      hash.update(`${line}\n`);
      count++;
      yield item;
    }
  } catch (error) {
    if (error instanceof ArchiveUnreadableError) throw error;
    throw new ArchiveUnreadableError(`${path} cannot be read (${error instanceof Error ? error.message : String(error)}).`, { cause: error });
  }
  if (header === undefined) throw new ArchiveUnreadableError(`${path} is empty.`);
  if (trailer === undefined) throw new ArchiveUnreadableError(`${path} ends before its trailer (cut short).`);
  if (count !== header.events) throw new ArchiveUnreadableError(`${path} holds ${count} event(s), its header says ${header.events}.`);
  if (hash.digest('hex') !== trailer.eventsSha256) throw new ArchiveUnreadableError(`${path}: its events do not match the trailer's eventsSha256 (edited or damaged).`);
}
