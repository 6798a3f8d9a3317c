-- One commit batch in one statement (under the head lock): its events, the log's new head, and a notification that
-- PostgreSQL delivers to listeners only once the transaction commits. The events arrive as JSON arrays, one per
-- column, zipped by ROWS FROM: data and metadata are the events' own JSON texts joined into an array, so nothing is
-- escaped twice. Positions are consecutive after the head ($1). $2 streams, $3 versions, $4 ids, $5 types,
-- $6 schema versions, $7 data, $8 metadata, $9 recorded_at, $10 the new head, $11 the channel.
WITH new_events AS (
  INSERT INTO @schema.events (position, stream, version, id, type, schema_version, data, metadata, recorded_at)
  SELECT $1::bigint + e.n, e.stream, e.version::integer, e.id, e.type, e.schema_version::integer, e.data, e.metadata, $9::timestamptz
  FROM ROWS FROM (
    json_array_elements_text($2::json), json_array_elements_text($3::json), json_array_elements_text($4::json),
    json_array_elements_text($5::json), json_array_elements_text($6::json), json_array_elements($7::json),
    json_array_elements($8::json)
  ) WITH ORDINALITY AS e(stream, version, id, type, schema_version, data, metadata, n)
), log_head AS (
  UPDATE @schema.head SET position = $10
)
SELECT pg_notify($11, $10::text)
