-- Version 4: the indexed ledger beside the read model (src/projections/occurrence-writes.ts): a row per workflow and
-- nominal time, the skipped ranges and the command events of each workflow, so a page of the ledger or an
-- explanation reads a few rows instead of a whole stream. Every write is a version-guarded upsert, so nodes sharing
-- the schema may save the same events in any order. The ledger has no checkpoint row yet: the next start builds it
-- from the log.
CREATE TABLE @schema.occurrence_rows (
  workflow_id        text    NOT NULL,
  nominal_time       bigint  NOT NULL,
  first_version      integer NOT NULL,
  claim_version      integer,
  skip_version       integer,
  claimed_at         bigint,
  claimed_at_version integer NOT NULL,
  manual             boolean NOT NULL,
  manual_version     integer NOT NULL,
  fired              json,
  fired_version      integer NOT NULL,
  outcome            text    NOT NULL,
  reason             text,
  outcome_version    integer NOT NULL,
  PRIMARY KEY (workflow_id, nominal_time)
);
CREATE TABLE @schema.skipped_ranges (
  workflow_id    text    NOT NULL,
  version        integer NOT NULL,
  from_exclusive bigint  NOT NULL,
  to_inclusive   bigint  NOT NULL,
  reason         text    NOT NULL,
  PRIMARY KEY (workflow_id, version)
);
CREATE INDEX skipped_ranges_by_end ON @schema.skipped_ranges (workflow_id, to_inclusive);
CREATE TABLE @schema.workflow_commands (
  workflow_id text    NOT NULL,
  version     integer NOT NULL,
  event       json    NOT NULL,
  PRIMARY KEY (workflow_id, version)
);
