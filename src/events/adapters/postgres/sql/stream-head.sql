-- The stream's newest event (no row = the stream has no events: version 0).
SELECT version, position FROM @schema.streams WHERE name = $1
