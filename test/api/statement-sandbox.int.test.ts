import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, openApi } from './support/api-harness.ts';

// What a hostile statement must never reach: a file of "the host" holding a secret, freshet's own event log
// (the harness runs on the real SQLite store in its data directory), and the warehouse's global settings.
const SECRET = 'host-secret-5f1c';

describe('the statement endpoint is sealed off from the host', () => {
  let h: ApiHarness;
  let host: string;
  let allowed: string;
  let secretFile: string;
  let log: string;

  beforeAll(async () => {
    host = await mkdtemp(join(tmpdir(), 'freshet-host-'));
    allowed = join(host, 'allowed');
    await mkdir(allowed);
    secretFile = join(host, 'secret.csv');
    await writeFile(secretFile, `l\n${SECRET}\n`);
    await writeFile(join(allowed, 'orders.csv'), 'id,amount\n1,10\n2,20\n');
    h = await openApi({ withTables: true, store: 'sqlite', allowReadDirs: [allowed] });
    log = join(h.dir, 'events.sqlite');
    // Something in the log, so that a clobbered file would show.
    await h.app.inject({ method: 'POST', url: '/v3/workflow/embedded-scheduler/create', payload: { materializedTableIdentifier: '`freshet`.`default`.`t`', cronExpression: '0 0 3 * * ? *' } });
  });
  afterAll(async () => {
    await h.close();
    await rm(host, { recursive: true, force: true });
  });

  const statement = (sql: string) => h.app.inject({ method: 'POST', url: '/v1/statements', payload: { statement: sql } });
  const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
  const tree = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  const setting = async (name: string) => (await statement(`SELECT current_setting('${name}')`)).json().rows;

  const FILE_FUNCTIONS = [
    (p: string) => `SELECT * FROM read_csv('${p}', header=false, columns={'l':'VARCHAR'})`,
    (p: string) => `SELECT * FROM read_csv_auto('${p}')`,
    (p: string) => `SELECT * FROM read_text('${p}')`,
    (p: string) => `SELECT * FROM read_blob('${p}')`,
    (p: string) => `SELECT * FROM read_json('${p}')`,
    (p: string) => `SELECT * FROM read_ndjson_objects('${p}')`,
    (p: string) => `SELECT * FROM read_parquet('${p}')`,
    (p: string) => `SELECT * FROM parquet_metadata('${p}')`,
    (p: string) => `SELECT * FROM read_duckdb('${p}')`,
    (p: string) => `SELECT * FROM sniff_csv('${p}')`,
    (p: string) => `SELECT * FROM glob('${p}')`,
    (p: string) => `SELECT * FROM '${p}'`,
    (p: string) => `CREATE TABLE stolen AS SELECT * FROM read_text('${p}')`,
  ];
  const WRITES = [
    (p: string) => `COPY (SELECT 'x' AS l) TO '${p}' (FORMAT csv)`,
    (p: string) => `COPY (SELECT 'x' AS l) TO '${p}' (FORMAT parquet)`,
    (p: string) => `EXPORT DATABASE '${p}'`,
    (p: string) => `ATTACH '${p}' AS other`,
    (p: string) => `COPY FROM DATABASE freshet TO other`.replace('other', `"${p}"`),
    (p: string) => `IMPORT DATABASE '${p}'`,
    (p: string) => `CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'k', SECRET '${p}')`,
  ];
  const COMMANDS = [
    "INSTALL httpfs", "FORCE INSTALL httpfs", "LOAD httpfs", "LOAD json", "UPDATE EXTENSIONS", "ATTACH ':memory:' AS m", "DETACH freshet",
    "SET memory_limit = '1MB'", "SET GLOBAL threads = 1", "RESET memory_limit", "PRAGMA memory_limit = '1MB'", "PRAGMA threads = 1",
    "SET enable_external_access = true", "SET lock_configuration = false", "SET allowed_directories = ['/']", "SET temp_directory = '/tmp'",
    "SET extension_directory = '/tmp'", "SET log_query_path = '/tmp/q.log'", "SET search_path = 'main'", "USE memory", "SET VARIABLE v = 1",
    "BEGIN TRANSACTION", "COMMIT", "PREPARE q AS SELECT 1", "EXECUTE q",
  ];

  const hostile = fc.oneof(
    fc.tuple(fc.constantFrom(...FILE_FUNCTIONS), fc.constantFrom('secret', 'log', 'etc', 'dotdot')).map(([f, target]) => f(pathOf(target))),
    fc.tuple(fc.constantFrom(...WRITES), fc.constantFrom('new', 'log', 'dotdot')).map(([f, target]) => f(pathOf(target))),
    fc.constantFrom(...COMMANDS),
  );
  function pathOf(target: string): string {
    if (target === 'secret') return secretFile;
    if (target === 'log') return log;
    if (target === 'etc') return '/etc/hostname';
    if (target === 'dotdot') return join(allowed, '..', 'secret.csv'); // escapes the allowed directory
    return join(host, 'written.out');
  }

  it('refuses every file-reaching function, file-writing statement, extension, attach and setting, and nothing changes', async () => {
    const before = { log: digest(log), host: tree(host), secret: digest(secretFile), memory: await setting('memory_limit'), threads: await setting('threads') };
    await fc.assert(
      fc.asyncProperty(hostile, fc.boolean(), async (sql, withPrefix) => {
        // A harmless first part must be rolled back with the refused one.
        const text = withPrefix ? `CREATE TABLE prefix_part (a INT); ${sql}` : sql;
        const answer = await statement(text);
        expect(answer.statusCode, `${text} → ${answer.body}`).toBeGreaterThanOrEqual(400);
        expect(answer.statusCode, text).toBeLessThan(500);
        expect(answer.body).not.toContain(SECRET);
        const message = String(answer.json().errors[0]);
        // A bare quoted path (DuckDB's replacement scan) is not even looked up as a file once access is off, and
        // EXECUTE finds no prepared statement since PREPARE never runs, a secret finds no extension to hold it:
        // each is refused by what it cannot find.
        const refusal = /^SELECT \* FROM '|^EXECUTE|SECRET/.test(sql)
          ? /disabled by configuration|Table with name .* does not exist|Prepared statement .* does not exist|Secret type .* does not exist/
          : /not allowed|disabled by configuration|configuration has been locked/;
        expect(message, text).toMatch(refusal);
        expect((await statement("SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('prefix_part', 'stolen')")).json().rows).toStrictEqual([[0]]);
      }),
      { numRuns: 150 },
    );
    expect(digest(log)).toBe(before.log);
    expect(tree(host)).toStrictEqual(before.host);
    expect(digest(secretFile)).toBe(before.secret);
    expect(await setting('memory_limit')).toStrictEqual(before.memory);
    expect(await setting('threads')).toStrictEqual(before.threads);
    expect(existsSync(join(host, 'written.out'))).toBe(false);
    // The warehouse still works after all that.
    expect((await statement('SELECT 40 + 2 AS answer')).json().rows).toStrictEqual([[42]]);
  });

  it('says what is not allowed and what to do instead', async () => {
    const copy = await statement(`COPY (SELECT 1) TO '${join(allowed, 'x.csv')}'`);
    expect(copy.statusCode).toBe(403);
    expect(copy.json().errors[0]).toMatch(/^COPY is not allowed: statements cannot write files/);
    const outside = await statement(`COPY (SELECT 1) TO '${join(host, 'x.csv')}'`);
    expect(outside.statusCode).toBe(403);
    expect(outside.json().errors[0]).toMatch(/file system operations are disabled by configuration.*they never write files/);
    const read = await statement(`SELECT * FROM read_text('${secretFile}')`);
    expect(read.statusCode).toBe(403);
    expect(read.json().errors[0]).toContain(`Cannot access file "${secretFile}"`);
    expect(read.json().errors[0]).toContain('--allow-read-dir');
    const set = await statement("SET memory_limit = '1MB'");
    expect(set.json().errors[0]).toMatch(/^SET, RESET, USE and setting PRAGMAs are not allowed/);
    const second = await statement('SELECT 1; ATTACH \':memory:\' AS m');
    expect(second.json().errors[0]).toMatch(/^Statement 2 of 2 was refused and nothing was changed: ATTACH is not allowed/);
  });

  it('reads files in the operator’s allowed directory', async () => {
    const loaded = await statement(`CREATE TABLE orders AS SELECT * FROM read_csv('${join(allowed, 'orders.csv')}'); SELECT sum(amount) FROM orders`);
    expect(loaded.json()).toMatchObject({ kind: 'query', rows: [[30]] });
    await statement('DROP TABLE orders');
  });

  it('applies a request of several statements whole or not at all', async () => {
    const failed = await statement('CREATE TABLE p (a INT); INSERT INTO p VALUES (1); SELECT * FROM missing');
    expect(failed.statusCode).toBe(404);
    expect((await statement("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'p'")).json().rows).toStrictEqual([[0]]);
    const done = await statement('CREATE TABLE p (a INT); INSERT INTO p VALUES (1), (2); SELECT count(*) FROM p');
    expect(done.json().rows).toStrictEqual([[2]]);
    await statement('DROP TABLE p');
  });

  it('refuses through Flink’s statement route too', async () => {
    const session = (await h.app.inject({ method: 'POST', url: '/v3/sessions', payload: {} })).json().sessionHandle as string;
    const submitted = await h.app.inject({ method: 'POST', url: `/v3/sessions/${session}/statements`, payload: { statement: `SELECT * FROM read_text('${secretFile}')` } });
    const op = submitted.json().operationHandle as string;
    let status = 'RUNNING';
    // inject() settles on microtasks; DuckDB answers on a libuv callback, so give the loop a turn between polls.
    while (status === 'RUNNING') {
      await new Promise<void>((r) => setImmediate(r));
      status = (await h.app.inject({ method: 'GET', url: `/v3/sessions/${session}/operations/${op}/status` })).json().status;
    }
    expect(status).toBe('ERROR');
    const fetched = await h.app.inject({ method: 'GET', url: `/v3/sessions/${session}/operations/${op}/result/0?rowFormat=JSON` });
    expect(fetched.statusCode).toBeGreaterThanOrEqual(400);
    expect(fetched.body).not.toContain(SECRET);
    expect(fetched.json().errors[0]).toContain('disabled by configuration');
  });

  it('refuses an allowed directory that holds the data directory', async () => {
    await expect(openApi({ store: 'memory', allowReadDirs: [tmpdir()] })).rejects.toThrow(/overlaps freshet's data directory/);
    expect(statSync(h.dir).isDirectory()).toBe(true);
  });
});
