-- What the writer needs of a stream: [stream_id, version, position, bucket]; no row = no events yet.
SELECT stream_id, version, position, bucket FROM streams WHERE name = ?
