-- Format 1 had one UNIQUE (stream, version) index on events. Run after renaming events to events_format_1 and
-- creating the format 2 schema, in the same transaction; positions are kept.
INSERT INTO events SELECT position, stream, version, id, type, schema_version, data, metadata, recorded_at FROM events_format_1;
INSERT INTO streams (name, version, position, bucket)
  SELECT stream, max(version), max(position), 0 FROM events_format_1 GROUP BY stream ORDER BY min(position);
UPDATE streams SET bucket = stream_id % @buckets;
INSERT INTO stream_index (stream_id, version, position)
  SELECT s.stream_id, e.version, e.position FROM events_format_1 AS e JOIN streams AS s ON s.name = e.stream;
DROP TABLE events_format_1;
