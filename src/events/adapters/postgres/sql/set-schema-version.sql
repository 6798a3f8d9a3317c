INSERT INTO @schema.schema_version (version) VALUES ($1)
ON CONFLICT (only_row) DO UPDATE SET version = excluded.version
