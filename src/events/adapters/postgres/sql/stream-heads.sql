-- The streams a batch appends to, as they stand once the head lock is held.
SELECT name, version, position FROM @schema.streams WHERE name = ANY($1::text[])
