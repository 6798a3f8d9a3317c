-- Format 1 of freshet's SQLite event store. The global position is the rowid (never reused: rows are never
-- deleted), so commit order is position order even with several processes writing the file.
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY,
  stream         TEXT    NOT NULL,
  version        INTEGER NOT NULL CHECK (version >= 1),
  id             TEXT    NOT NULL,
  type           TEXT    NOT NULL,
  schema_version INTEGER NOT NULL,
  data           TEXT    NOT NULL,
  metadata       TEXT    NOT NULL,
  recorded_at    TEXT    NOT NULL,
  UNIQUE (stream, version)
);
