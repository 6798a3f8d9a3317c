-- Version 3: the read model's checkpoint names the event it reflects (its fingerprint), so a read model beside a log
-- that lost its tail, or beside another log, is refused at open (see src/projections/checkpoint.ts). Null for a
-- checkpoint saved by an older freshet.
ALTER TABLE @schema.projection_checkpoint ADD COLUMN event text;
