-- The schema-version row: which migrations (migrate-N.sql) this schema has had.
CREATE TABLE IF NOT EXISTS @schema.schema_version (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  version  integer NOT NULL
)
