-- NULL when the stream has no events.
SELECT max(version) FROM events WHERE stream = ?
