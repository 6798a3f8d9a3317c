-- LIMIT -1 means no limit.
SELECT * FROM events WHERE stream = ? AND version >= ? ORDER BY version ASC LIMIT ?
