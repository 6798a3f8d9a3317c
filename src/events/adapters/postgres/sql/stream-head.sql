-- The stream's newest event (no row = the stream has no events: version 0).
SELECT version, position FROM @schema.events WHERE stream = $1 ORDER BY version DESC LIMIT 1
