INSERT INTO recent_index (bucket, stream_id, version, position) VALUES (?, ?, ?, ?)
