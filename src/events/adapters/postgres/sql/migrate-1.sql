-- Version 1 of freshet's PostgreSQL event store, created inside @schema (quoted by the adapter).
-- Positions are given by the writer, not a sequence: every commit batch first locks the single head row, takes the
-- positions after it and moves it, so commits happen in position order and any snapshot sees a prefix of the log.
CREATE TABLE @schema.events (
  position       bigint      PRIMARY KEY,
  stream         text        NOT NULL,
  version        integer     NOT NULL CHECK (version >= 1),
  id             text        NOT NULL,
  type           text        NOT NULL,
  schema_version integer     NOT NULL,
  data           json        NOT NULL,
  metadata       json        NOT NULL,
  recorded_at    timestamptz NOT NULL,
  -- Also where a stream's head is read from (its highest version): no table of stream heads to keep up to date.
  UNIQUE (stream, version)
);
-- The newest position in the log. Its row lock serializes commit batches (see write-batch.sql).
CREATE TABLE @schema.head (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  position bigint  NOT NULL
);
INSERT INTO @schema.head (position) VALUES (0);
