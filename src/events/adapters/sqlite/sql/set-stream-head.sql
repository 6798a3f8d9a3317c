UPDATE streams SET version = ?, position = ? WHERE stream_id = ?
