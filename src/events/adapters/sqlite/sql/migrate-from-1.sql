-- Format 1 kept its events in a table called events with one UNIQUE (stream, version) index. Run after renaming
-- it to events_format_1, creating the current schema and copying its rows into log (with their checksums), in
-- the same transaction; positions are kept.
INSERT INTO streams (name, version, position, bucket)
  SELECT stream, max(version), max(position), 0 FROM events_format_1 GROUP BY stream ORDER BY min(position);
UPDATE streams SET bucket = stream_id % @buckets;
INSERT INTO stream_index (stream_id, version, position)
  SELECT s.stream_id, e.version, e.position FROM events_format_1 AS e JOIN streams AS s ON s.name = e.stream;
DROP TABLE events_format_1;
