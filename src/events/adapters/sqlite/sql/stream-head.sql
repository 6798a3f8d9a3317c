-- The stream's newest event: its version is the stream's version (no row = version 0).
SELECT version, position FROM events WHERE stream = ? ORDER BY version DESC LIMIT 1
