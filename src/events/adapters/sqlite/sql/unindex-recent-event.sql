-- Retention: the removed event's entry in the recent level of the stream index.
DELETE FROM recent_index WHERE bucket = @bucket AND stream_id = @streamId AND version = @version
