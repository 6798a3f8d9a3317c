-- What the schema holds before it is opened: whether it exists, its tables, and its schema-version row's table.
SELECT
  EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema_exists,
  coalesce((SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_tables WHERE schemaname = $1), '{}') AS tables
