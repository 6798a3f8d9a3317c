import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { createSqliteEventStore } from '../../src/events/index.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { openError, runWithWorkflows, tempDir } from './read-model-support.ts';
import { replay, rewriteEvent, sql } from './replay-support.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
async function dataDir(): Promise<{ dir: string; log: string }> {
  const dir = tempDir('replay-verify');
  dirs.push(dir);
  await runWithWorkflows(dir, 'sqlite', ['a', 'b']);
  return { dir, log: join(dir, 'events.sqlite') };
}
/** The first position of a workflow stream's first event, and the stream. */
function firstWorkflowEvent(log: string): { position: number; stream: string } {
  const db = new Sqlite(log, { readonly: true });
  const row = db.prepare("SELECT position, stream FROM log WHERE stream LIKE 'workflow-%' ORDER BY position LIMIT 1").get() as { position: number; stream: string };
  db.close();
  return row;
}
const line = (out: string, check: string): string => out.split('\n').find((l) => l.includes(` ${check}: `)) ?? `(no ${check} line in:\n${out})`;

describe('freshet replay --verify on a SQLite data directory: names each check, and on failure the file, position and stream', () => {
  it('a sound directory: every check passes and says what it covered', async () => {
    const { dir, log } = await dataDir();
    const r = await replay('--verify', '--data-dir', dir);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(new RegExp(`^OK: 6 of 6 checks passed \\(${log}: \\d+ event\\(s\\), 2 workflow\\(s\\), `));
    expect(line(r.out, 'checksums')).toMatch(/✓ checksums: each of \d+ event\(s\) matches its checksum$/);
    expect(line(r.out, 'positions')).toMatch(/✓ positions: 1 to \d+ without a gap$/);
    expect(line(r.out, 'schemas')).toMatch(/✓ schemas: each of \d+ event\(s\) \(workflows, tables, refresh operations\) parses under its schema version$/);
    expect(line(r.out, 'stream versions')).toMatch(/✓ stream versions: each of \d+ stream\(s\) is numbered 1, 2, 3… without a gap$/);
    expect(line(r.out, 'read model')).toMatch(new RegExp(`✓ read model: ${join(dir, 'projections.sqlite')} equals a rebuild from the log \\(2 workflow\\(s\\), checkpoint \\d+`));
  });

  it('an edited event: the checksum check fails, naming file, position and stream; exit 1', async () => {
    const { dir, log } = await dataDir();
    const { position, stream } = firstWorkflowEvent(log);
    sql(log, `UPDATE log SET data = replace(data, '0/5', '0/7') WHERE position = ${position}`);
    const r = await replay('--verify', '--data-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAILED: /);
    expect(r.out).toContain(`✗ checksums: reading stopped after position ${position - 1}`);
    expect(r.out).toContain(`Event store file ${log} is damaged at position ${position} (stream ${stream}, version 1): the event does not match its checksum.`);
  });

  it('a deleted event: the positions check fails, naming the missing position', async () => {
    const { dir, log } = await dataDir();
    sql(log, 'DELETE FROM log WHERE position = 1');
    const r = await replay('--verify', '--data-dir', dir);
    expect(r.code).toBe(1);
    expect(line(r.out, 'positions')).toBe('  ✗ positions: reading stopped after position 0');
    expect(r.out).toContain(`Event store file ${log} is missing the event at position 1`);
    expect(line(r.out, 'read model')).toMatch(/– read model: the log could not be read past position 0/);
  });

  it('an event whose data lacks a field (checksum intact): the schemas check fails, naming file, position and stream', async () => {
    const { dir, log } = await dataDir();
    const { position, stream } = firstWorkflowEvent(log);
    const db = new Sqlite(log, { readonly: true });
    const data = JSON.parse((db.prepare('SELECT data FROM log WHERE position = ?').pluck().get(position) as string)) as Record<string, unknown>;
    db.close();
    delete data.dynamicOptions;
    rewriteEvent(log, position, { data: JSON.stringify(data) });
    const r = await replay('--verify', '--data-dir', dir);
    expect(r.code).toBe(1);
    expect(line(r.out, 'schemas')).toMatch(/✗ schemas: 1 of \d+ event\(s\) \(workflows, tables, refresh operations\) do not parse under their schema version/);
    expect(r.out).toContain(`${log} position ${position} stream ${stream}: WorkflowCreated data /dynamicOptions: Expected required property`);
  });

  it('a table event without its fields: the schemas check names it too', async () => {
    const { dir, log } = await dataDir();
    const store = createSqliteEventStore({ path: log, writer: 'inline' });
    const { position } = await store.appendToStream('mt-abc', [{ type: 'MaterializedTableDropped', schemaVersion: 1, data: { identifier: 'x' }, metadata: { actor: 't', correlationId: 'c', occurredAt: new Date().toISOString() } }]);
    await store.close();
    const r = await replay('--verify', '--data-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${log} position ${position} stream mt-abc: MaterializedTableDropped data /by: Expected required property`);
  });

  it('a version out of sequence in its stream: the stream versions check fails, naming it', async () => {
    const { dir, log } = await dataDir();
    const { position, stream } = firstWorkflowEvent(log);
    rewriteEvent(log, position, { version: 3 });
    const r = await replay('--verify', '--data-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${log} position ${position} stream ${stream}: version 3 follows version 0`);
  });

  it('a read model that differs from the log: the read model check fails, naming the workflow', async () => {
    const { dir } = await dataDir();
    const saved = join(dir, 'projections.sqlite');
    sql(saved, "UPDATE workflow_rows SET state = json_set(state, '$.status', 'suspended') WHERE rowid = 1");
    const r = await replay('--verify', '--data-dir', dir);
    expect(r.code).toBe(1);
    expect(line(r.out, 'read model')).toMatch(new RegExp(`✗ read model: 1 workflow\\(s\\) of ${saved} differ from a rebuild from the log`));
    expect(r.out).toMatch(/      workflow \S+: state.status: saved "suspended", rebuilt "active"\n/);
  });

  it('a read model ahead of its log: refused as at open; --rebuild replaces it, after which freshet opens', async () => {
    const { dir, log } = await dataDir();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${log}${suffix}`, { force: true });
    sql(log, 'SELECT 1'); // an empty SQLite file where the log was
    const verify = await replay('--verify', '--data-dir', dir);
    expect(verify.code).toBe(1);
    expect(verify.out).toContain(`is ahead of its event log ${log}`);
    expect((await openError(dir, 'sqlite')).name).toBe('ReadModelMismatchError');
    const rebuild = await replay('--rebuild', '--data-dir', dir);
    expect(rebuild.code, rebuild.out).toBe(0);
    expect(rebuild.out).toBe(`Rebuilt 0 workflow(s) from 0 event(s) of ${log} and saved them as the read model ${join(dir, 'projections.sqlite')} (checkpoint 0, ${/, ([\d.]+s)\)\.\n$/.exec(rebuild.out)?.[1]}).\n`); // the duration is matched where it is printed: a temp dir's name can hold "1s"
    expect((await openError(dir, 'sqlite')).message).toBe('freshet opened (0 workflow(s) listed)');
  });

  it('changes nothing: an unreadable read model is reported, not moved aside (freshet does that at start)', async () => {
    const { dir } = await dataDir();
    const saved = join(dir, 'projections.sqlite');
    for (const suffix of ['-wal', '-shm']) rmSync(`${saved}${suffix}`, { force: true });
    sql(saved, 'DROP TABLE workflow_rows; CREATE TABLE workflow_rows (x TEXT)');
    const r = await replay('--verify', '--data-dir', dir);
    expect(r.code).toBe(1);
    expect(line(r.out, 'read model')).toContain(`✗ read model: ${saved} cannot be read (its workflow_rows table lacks the columns workflow_id, version, state)`);
    expect(existsSync(saved)).toBe(true);
  });
});

describe('freshet replay says where it reads (defect 7 of issue 11)', () => {
  it('a data directory without a log: exit 2, naming the path and where it came from, creating nothing', async () => {
    const dir = join(tempDir('replay-where'), 'nothing-here');
    dirs.push(dir);
    process.env.FRESHET_URL = 'http://127.0.0.1:9';
    try {
      const r = await replay('--verify', '--data-dir', dir);
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        `No event log at ${join(dir, 'events.sqlite')} (from --data-dir ${dir}). FRESHET_URL is set, but replay does not go through the server: it reads the store's files. Pass the --data-dir (or --store) that freshet serves from.`,
      );
    } finally {
      delete process.env.FRESHET_URL;
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('--store memory: exit 2, saying that such a log lives only inside its process', async () => {
    const r = await replay('--verify', '--store', 'memory');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^--store memory keeps the log inside the freshet process that holds it, so there is none here for replay to read\./);
  });

  it('a log without a saved read model beside it: the log is checked, the read model named as not checked', async () => {
    const { dir, log } = await dataDir();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `projections.sqlite${suffix}`), { force: true });
    const r = await replay('--verify', '--data-dir', dir);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(new RegExp(`^OK: 5 of 6 checks passed, 1 not checked \\(${log}: `));
    expect(line(r.out, 'read model')).toBe(`  – read model: no read model is saved at ${join(dir, 'projections.sqlite')} (freshet has not run on this data directory yet)`);
    expect(existsSync(join(dir, 'projections.sqlite'))).toBe(false);
  });

  it('without --verify: says which log it rebuilt from and that nothing was saved', async () => {
    const { dir, log } = await dataDir();
    const r = await replay('--data-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Rebuilt 2 workflow\\(s\\) from \\d+ event\\(s\\) of ${log} in [\\d.]+s \\(nothing saved; --rebuild saves it as the read model\\)\\.\\n$`));
  });
});
