-- Serializes opening (creating, migrating) one schema across processes; released at the end of the transaction.
SELECT pg_advisory_xact_lock(hashtextextended('freshet event store ' || $1::text, 0))
