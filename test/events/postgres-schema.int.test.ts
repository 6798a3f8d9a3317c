import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresEventStore, openPostgresEventStore, StoreCorruptedError } from '../../src/events/index.ts';
import { ev } from './contract.ts';
import { dropSchema, freshSchema, PG_URL, pgSkip } from './postgres-server.ts';

const describePg = pgSkip.skip ? describe.skip : describe;

const LEDGER_TABLES = ['occurrence_rows', 'skipped_ranges', 'workflow_commands'];
const ALL_TABLES = ['events', 'head', 'occurrence_rows', 'projection_checkpoint', 'schema_version', 'skipped_ranges', 'workflow_commands', 'workflow_rows'];

describePg(`PostgreSQL event store schema: versioned, migrated at open${pgSkip.skip ? ` (skipped: ${pgSkip.skip})` : ''}`, () => {
  let schema: string;
  let admin: pg.Client;
  const q = (): string => pg.escapeIdentifier(schema);
  const tables = async (): Promise<string[]> =>
    (await admin.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1', [schema])).rows.map((row) => row.tablename);
  const version = async (): Promise<number[]> => (await admin.query<{ version: number }>(`SELECT version FROM ${q()}.schema_version`)).rows.map((row) => row.version);

  beforeEach(async () => {
    schema = freshSchema();
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
  });
  afterEach(async () => {
    await admin.end();
    await dropSchema(schema);
  });

  it('a missing schema is created at open with its schema-version row, and reopening keeps the log', async () => {
    const first = await openPostgresEventStore({ connectionString: PG_URL, schema });
    await first.appendToStream('orders-1', [ev('Placed'), ev('Paid')]);
    await first.close();
    expect(await tables()).toEqual(ALL_TABLES);
    expect(await version()).toEqual([4]);
    const second = await openPostgresEventStore({ connectionString: PG_URL, schema });
    expect((await second.readStream('orders-1')).map((event) => event.type)).toEqual(['Placed', 'Paid']);
    expect(await second.headPosition()).toBe(2);
    await second.close();
    expect(await version()).toEqual([4]);
  });

  it('a version 1 schema (no read-model tables) is migrated to version 4 at open, its log kept', async () => {
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema });
    await store.appendToStream('orders-1', [ev('Placed')]);
    await store.close();
    await admin.query(`DROP TABLE ${q()}.projection_checkpoint, ${q()}.workflow_rows, ${LEDGER_TABLES.map((t) => `${q()}.${t}`).join(', ')}`);
    await admin.query(`UPDATE ${q()}.schema_version SET version = 1`);
    const reopened = await openPostgresEventStore({ connectionString: PG_URL, schema });
    expect((await reopened.readStream('orders-1')).map((event) => event.type)).toEqual(['Placed']);
    await reopened.close();
    expect(await version()).toEqual([4]);
    expect(await tables()).toEqual(ALL_TABLES);
  });

  it('a version 2 schema keeps its read-model checkpoint, which gains a null event (saved before checkpoints named one)', async () => {
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema });
    await store.appendToStream('orders-1', [ev('Placed')]);
    await store.close();
    await admin.query(`ALTER TABLE ${q()}.projection_checkpoint DROP COLUMN event`);
    await admin.query(`DROP TABLE ${LEDGER_TABLES.map((t) => `${q()}.${t}`).join(', ')}`);
    await admin.query(`INSERT INTO ${q()}.projection_checkpoint (name, position) VALUES ('workflow_info', 1)`);
    await admin.query(`UPDATE ${q()}.schema_version SET version = 2`);
    await (await openPostgresEventStore({ connectionString: PG_URL, schema })).close();
    expect(await version()).toEqual([4]);
    expect((await admin.query(`SELECT name, position, event FROM ${q()}.projection_checkpoint`)).rows).toEqual([{ name: 'workflow_info', position: '1', event: null }]);
  });

  it('stores opening a new schema at once wait for each other: one creates it, all use it', async () => {
    const stores = Array.from({ length: 5 }, () => createPostgresEventStore({ connectionString: PG_URL, schema }));
    try {
      await Promise.all(stores.map((store, index) => store.appendToStream(`s-${index}`, [ev('Made')], { expectedVersion: 'no_stream' })));
      expect(await stores[0]!.headPosition()).toBe(5);
      expect(await version()).toEqual([4]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('a schema from a newer freshet is refused and left as it was', async () => {
    await (await openPostgresEventStore({ connectionString: PG_URL, schema })).close();
    await admin.query(`UPDATE ${q()}.schema_version SET version = 99`);
    const error: unknown = await openPostgresEventStore({ connectionString: PG_URL, schema }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(StoreCorruptedError);
    expect((error as Error).message).toMatch(/schema version 99, newer than this freshet understands \(4\)/);
    expect(await version()).toEqual([99]);
  });

  it("a schema holding someone else's tables is refused and left untouched", async () => {
    await admin.query(`CREATE SCHEMA ${q()}`);
    await admin.query(`CREATE TABLE ${q()}.invoices (id integer)`);
    const store = createPostgresEventStore({ connectionString: PG_URL, schema });
    const error: unknown = await store.appendToStream('s', [ev('A')]).catch((reason: unknown) => reason);
    await store.close();
    expect(error).toBeInstanceOf(StoreCorruptedError);
    expect((error as Error).message).toMatch(/holds tables \(invoices\) but no schema_version row/);
    expect(await tables()).toEqual(['invoices']);
  });

  it('a schema whose tables were dropped under a running store fails its calls as corrupted, not as a bug', async () => {
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema });
    await admin.query(`DROP TABLE ${q()}.events`);
    await expect(store.readAll()).rejects.toThrow(StoreCorruptedError);
    await expect(store.appendToStream('s', [ev('A')])).rejects.toThrow(StoreCorruptedError);
    await store.close();
  });
});
