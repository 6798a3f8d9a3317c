-- Ids of versions [from, to] of a stream, to recognise a retried append.
SELECT id, position FROM events WHERE stream = ? AND version BETWEEN ? AND ? ORDER BY version
