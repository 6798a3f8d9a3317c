-- After a removal: positions are consecutive only past the newest removed one (rows.ts checkContiguous);
-- replay --verify accounts for the gaps below it with the archives.
INSERT INTO meta (key, value) VALUES ('consecutive_from', ?) ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)
