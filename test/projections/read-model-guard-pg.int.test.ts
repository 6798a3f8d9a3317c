import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ReadModelMismatchError } from '../../src/projections/index.ts';
import { dropSchema, freshSchema, pgSkip, runSql, withSchema } from '../events/postgres-server.ts';
import { openError, runWithWorkflows, tempDir } from './read-model-support.ts';

const describePg = pgSkip.skip ? describe.skip : describe;
const dataDir = tempDir('read-model-guard-pg');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describePg(`a PostgreSQL read model that does not belong to its log is refused at open${pgSkip.skip ? ` (skipped: ${pgSkip.skip})` : ''}`, () => {
  const schemas: string[] = [];
  const schema = (): string => {
    const s = freshSchema();
    schemas.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of schemas.splice(0)) await dropSchema(s);
  });

  it('the log was emptied under its read model: refused, naming the schema and what to do', async () => {
    const s = schema();
    await runWithWorkflows(dataDir, withSchema(s), ['a', 'b']);
    await runSql(`TRUNCATE "${s}".events; UPDATE "${s}".head SET position = 0`);
    const error = await openError(dataDir, withSchema(s));
    expect(error).toBeInstanceOf(ReadModelMismatchError);
    expect(error.message).toMatch(new RegExp(`^The read model in PostgreSQL \\S+ schema ${s} \\(tables projection_checkpoint, workflow_rows, occurrence_rows, skipped_ranges, workflow_commands\\) is ahead of its event log in PostgreSQL \\S+ schema ${s} \\(table events\\): it reflects the log up to position \\d+, the log ends at position 0\\.`));
    expect(error.message).toContain('freshet replay --rebuild --store <its postgres:// URL>');
  });

  it("another schema's read model copied beside this log: refused as built from another log", async () => {
    const mine = schema();
    const other = schema();
    await runWithWorkflows(dataDir, withSchema(other), ['a']);
    await runWithWorkflows(dataDir, withSchema(mine), ['x', 'y']);
    await runSql(`DELETE FROM "${mine}".projection_checkpoint; INSERT INTO "${mine}".projection_checkpoint SELECT * FROM "${other}".projection_checkpoint`);
    const error = await openError(dataDir, withSchema(mine));
    expect(error).toBeInstanceOf(ReadModelMismatchError);
    expect(error.message).toMatch(/was built from another event log than .*: the event it last applied, at position \d+, is \S+ recorded at \S+, but the log has \S+ recorded at \S+ there\./);
  });

  it('its own read model opens as before', async () => {
    const s = schema();
    await runWithWorkflows(dataDir, withSchema(s), ['a', 'b']);
    expect((await openError(dataDir, withSchema(s))).message).toBe('freshet opened (2 workflow(s) listed)');
  });
});
