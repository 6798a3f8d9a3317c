-- Version 2: the WorkflowInfo read model beside the log, so a node restarts from its checkpoint instead of replaying
-- the whole log, and every node sharing the schema finds it. Several nodes save into these tables: a row only moves
-- to a higher version and the checkpoint only forwards (see src/projections/postgres-persistence.ts).
CREATE TABLE @schema.projection_checkpoint (
  name     text   PRIMARY KEY,
  position bigint NOT NULL
);
CREATE TABLE @schema.workflow_rows (
  workflow_id text    PRIMARY KEY,
  version     integer NOT NULL,
  state       json    NOT NULL
);
