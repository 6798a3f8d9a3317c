-- One commit batch in one statement (under the head lock): its events, the heads of the streams it moved, the log's
-- head, and a notification that PostgreSQL delivers to listeners only once the transaction commits.
-- $1…$8: the events' columns as arrays; $9: recorded_at; $10…$12: stream heads; $13: the new head; $14: channel.
WITH new_events AS (
  INSERT INTO @schema.events (position, stream, version, id, type, schema_version, data, metadata, recorded_at)
  SELECT e.position, e.stream, e.version, e.id, e.type, e.schema_version, e.data::json, e.metadata::json, $9::timestamptz
  FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::text[])
    AS e(position, stream, version, id, type, schema_version, data, metadata)
), stream_heads AS (
  INSERT INTO @schema.streams (name, version, position)
  SELECT * FROM unnest($10::text[], $11::integer[], $12::bigint[])
  ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position
), log_head AS (
  UPDATE @schema.head SET position = $13
)
SELECT pg_notify($14, $13::text)
