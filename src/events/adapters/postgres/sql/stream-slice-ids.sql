-- Ids of versions [$2, $3] of a stream, to recognise a retried append.
SELECT id, position FROM @schema.events WHERE stream = $1 AND version BETWEEN $2 AND $3 ORDER BY version
