SELECT position, stream, version, id, type, schema_version, data, metadata, recorded_at FROM events WHERE stream = ? AND version <= ? ORDER BY version DESC LIMIT ?
