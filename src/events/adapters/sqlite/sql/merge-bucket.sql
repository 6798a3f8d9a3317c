-- Moves one bucket of recent_index into stream_index (run with forget-bucket.sql in the same transaction).
INSERT INTO stream_index (stream_id, version, position) SELECT stream_id, version, position FROM recent_index WHERE bucket = ?
