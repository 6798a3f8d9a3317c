-- A stream's row, inserted with its first events (inside the write transaction, so max + 1 is free). Its bucket in
-- recent_index spreads streams evenly: [name, version, position, bucket count].
INSERT INTO streams (stream_id, name, version, position, bucket)
SELECT id, ?, ?, ?, id % ? FROM (SELECT coalesce(max(stream_id), 0) + 1 AS id FROM streams)
