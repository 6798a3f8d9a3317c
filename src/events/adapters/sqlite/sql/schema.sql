-- Format 3 of freshet's SQLite event store. The global position is the rowid (never reused: rows are never
-- deleted), so commit order is position order even with several processes writing the file. The table is not
-- called events, as it was in format 1: a freshet of format 1 still running on a migrated file then fails on every
-- statement instead of appending rows that bypass the stream heads and the index below; one of format 2 fails to
-- insert a row without its checksum. Positions are consecutive (the writer numbers them: head + 1), so a missing
-- row shows as a gap.
CREATE TABLE IF NOT EXISTS log (
  position       INTEGER PRIMARY KEY,
  stream         TEXT    NOT NULL,
  version        INTEGER NOT NULL CHECK (version >= 1),
  id             TEXT    NOT NULL,
  type           TEXT    NOT NULL,
  schema_version INTEGER NOT NULL,
  data           TEXT    NOT NULL,
  metadata       TEXT    NOT NULL,
  recorded_at    TEXT    NOT NULL,
  -- CRC-32 of the row, position included (checksum.js), verified on every read: format 3.
  checksum       INTEGER NOT NULL
);
-- One row per stream that has events: its newest version and position. The writer checks expected versions
-- against this row and moves it in the same transaction as the events, so it is never behind the log.
CREATE TABLE IF NOT EXISTS streams (
  stream_id INTEGER PRIMARY KEY,
  name      TEXT    NOT NULL UNIQUE,
  version   INTEGER NOT NULL,
  position  INTEGER NOT NULL,
  bucket    INTEGER NOT NULL
);
-- Where each stream's events are, in two levels (a small LSM tree). A B-tree keyed by stream puts each stream's
-- newest entry on a page of its own once the log is large, so a commit touching 10,000 streams rewrote 10,000
-- pages (~40 MB of WAL, growing with the log). New entries go to recent_index instead, which stays small: every
-- 20,000 positions one bucket of streams moves from it to stream_index (batch-writer.js). A stream's entries in
-- stream_index all have lower versions than its entries in recent_index.
CREATE TABLE IF NOT EXISTS stream_index (
  stream_id INTEGER NOT NULL,
  version   INTEGER NOT NULL,
  position  INTEGER NOT NULL,
  PRIMARY KEY (stream_id, version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS recent_index (
  bucket    INTEGER NOT NULL,
  stream_id INTEGER NOT NULL,
  version   INTEGER NOT NULL,
  position  INTEGER NOT NULL,
  PRIMARY KEY (bucket, stream_id, version)
) WITHOUT ROWID;
-- Facts about the file itself: consecutive_from, the position from which positions have no gaps (1 for a file
-- created as format 3; the head + 1 at migration for an older one, which SQLite numbered).
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
);
