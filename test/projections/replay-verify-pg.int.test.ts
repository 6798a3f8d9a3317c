import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, pgSkip, runSql, withSchema } from '../events/postgres-server.ts';
import { openError, runWithWorkflows, tempDir } from './read-model-support.ts';
import { replay } from './replay-support.ts';

const describePg = pgSkip.skip ? describe.skip : describe;
const dataDir = tempDir('replay-verify-pg');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describePg(`freshet replay on a PostgreSQL store${pgSkip.skip ? ` (skipped: ${pgSkip.skip})` : ''}`, () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const s of schemas.splice(0)) await dropSchema(s);
  });
  const schema = (): string => {
    const s = freshSchema();
    schemas.push(s);
    return s;
  };

  it('--verify checks the log and the read model in the schema; checksums are named as not kept by this store', async () => {
    const s = schema();
    await runWithWorkflows(dataDir, withSchema(s), ['a', 'b']);
    const r = await replay('--verify', '--store', withSchema(s));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(new RegExp(`^OK: 4 of 5 checks passed, 1 not checked \\(PostgreSQL \\S+ schema ${s}: \\d+ event\\(s\\), 2 workflow\\(s\\)`));
    expect(r.out).toContain('  – checksums: this store keeps no per-event checksum');
    expect(r.out).toMatch(new RegExp(`✓ read model: in PostgreSQL \\S+ schema ${s} \\(tables projection_checkpoint, workflow_rows, occurrence_rows, skipped_ranges, workflow_commands\\) equals a rebuild from the log \\(2 workflow\\(s\\)`));
  });

  it('a read model that differs, then a log emptied under it: each named; --rebuild makes the schema open again', async () => {
    const s = schema();
    await runWithWorkflows(dataDir, withSchema(s), ['a', 'b']);
    await runSql(`UPDATE "${s}".workflow_rows SET state = jsonb_set(state::jsonb, '{status}', '"deleted"')::json WHERE workflow_id = (SELECT min(workflow_id) FROM "${s}".workflow_rows)`);
    const differs = await replay('--verify', '--store', withSchema(s));
    expect(differs.code).toBe(1);
    expect(differs.out).toMatch(/      workflow \S+: state.status: saved "deleted", rebuilt "active"\n/);

    await runSql(`TRUNCATE "${s}".events; UPDATE "${s}".head SET position = 0`);
    const ahead = await replay('--verify', '--store', withSchema(s));
    expect(ahead.code).toBe(1);
    expect(ahead.out).toMatch(/✗ read model: .* does not belong to this log\n {6}The read model .* is ahead of its event log .*the log ends at position 0\./);
    expect((await openError(dataDir, withSchema(s))).name).toBe('ReadModelMismatchError');

    const rebuilt = await replay('--rebuild', '--store', withSchema(s));
    expect(rebuilt.code, rebuilt.out).toBe(0);
    expect(rebuilt.out).toMatch(/^Rebuilt 0 workflow\(s\) from 0 event\(s\) of PostgreSQL .* and saved them as the read model in PostgreSQL .*\(checkpoint 0, /);
    expect((await openError(dataDir, withSchema(s))).message).toBe('freshet opened (0 workflow(s) listed)');
  });
});
