-- Retention: the removed event's entry in the main level of the stream index.
DELETE FROM stream_index WHERE stream_id = @streamId AND version = @version
