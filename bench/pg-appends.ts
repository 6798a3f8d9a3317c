import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createPostgresEventStore, type NewEvent } from '../src/events/index.ts';

/**
 * Durable single-event appends through the PostgreSQL adapter (group commit) beside raw batched INSERTs of the same
 * rows into the same server and the same table (the adapter's events table), each transaction committed with the
 * server's default durability (synchronous_commit on), 500 rows per transaction: a multi-row INSERT … VALUES, an
 * INSERT from unnest'ed driver arrays, and an INSERT from JSON arrays (the adapter's own way). The baseline is the
 * fastest of the three. FRESHET_PG_URL picks the server.
 */
const URL_ = process.env.FRESHET_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROUNDS = 10;
const PER_ROUND = 20_000;
const SAME_STREAMS = 100;
const RAW_ROWS = ROUNDS * PER_ROUND;
const ROWS_PER_TX = 500;
const REPEATS = 3;

const event = (index: number): NewEvent => ({
  type: 'Benchmarked',
  schemaVersion: 1,
  data: { index, payload: 'x'.repeat(64) },
  metadata: { actor: 'bench', correlationId: `c-${index}`, occurredAt: '2024-05-01T00:00:00.000Z' },
});

const schemaName = (what: string): string => `freshet_bench_${what}_${randomUUID().slice(0, 8)}`;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
const dropSchema = (schema: string): Promise<unknown> => admin((client) => client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`));

async function throughAdapter(): Promise<number> {
  const schema = schemaName('adapter');
  const store = createPostgresEventStore({ connectionString: URL_, schema });
  try {
    await store.headPosition();
    const versions = new Array<number>(SAME_STREAMS).fill(0);
    let appended = 0;
    const started = performance.now();
    for (let round = 0; round < ROUNDS; round += 1) {
      const pending: Promise<unknown>[] = [];
      for (let index = 0; index < PER_ROUND; index += 1) {
        // A quarter of the appends go to a few shared streams with exact expected versions, the rest to new streams.
        if (index % 4 === 0) {
          const shared = (index / 4) % SAME_STREAMS;
          pending.push(store.appendToStream(`shared-${shared}`, [event(index)], { expectedVersion: versions[shared]! }));
          versions[shared]! += 1;
        } else {
          pending.push(store.appendToStream(`single-${round}-${index}`, [event(index)], { expectedVersion: 'no_stream' }));
        }
      }
      await Promise.all(pending);
      appended += pending.length;
    }
    const seconds = (performance.now() - started) / 1_000;
    const head = await store.headPosition();
    if (head !== appended) throw new Error(`expected ${appended} events in the log, found ${head}`);
    return appended / seconds;
  } finally {
    await store.close();
    await dropSchema(schema);
  }
}

type RawStyle = 'values' | 'unnest' | 'json';

/** The adapter's table (its migration), in a schema of its own, written with plain INSERTs. */
async function raw(style: RawStyle): Promise<number> {
  const schema = schemaName(`raw_${style}`);
  const table = `${pg.escapeIdentifier(schema)}.events`;
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
    await client.query(readFileSync(new URL('../src/events/adapters/postgres/sql/migrate-1.sql', import.meta.url), 'utf8').replaceAll('@schema', pg.escapeIdentifier(schema)));
    const columns = '(position, stream, version, id, type, schema_version, data, metadata, recorded_at)';
    const values = Array.from({ length: ROWS_PER_TX }, (_, row) => `(${Array.from({ length: 9 }, (_, col) => `$${row * 9 + col + 1}`).join(', ')})`).join(', ');
    const insertValues = `INSERT INTO ${table} ${columns} VALUES ${values}`;
    const insertUnnest = `INSERT INTO ${table} ${columns} SELECT p, s, v, i, t, sv, d::json, m::json, $9::timestamptz
      FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::text[]) AS e(p, s, v, i, t, sv, d, m)`;
    const insertJson = `INSERT INTO ${table} ${columns} SELECT p::bigint, s, v::integer, i, t, sv::integer, d, m, $9::timestamptz
      FROM ROWS FROM (json_array_elements_text($1::json), json_array_elements_text($2::json), json_array_elements_text($3::json),
        json_array_elements_text($4::json), json_array_elements_text($5::json), json_array_elements_text($6::json),
        json_array_elements($7::json), json_array_elements($8::json)) AS e(p, s, v, i, t, sv, d, m)`;
    const recordedAt = new Date().toISOString();
    const started = performance.now();
    for (let from = 0; from < RAW_ROWS; from += ROWS_PER_TX) {
      const rows = Array.from({ length: ROWS_PER_TX }, (_, offset) => {
        const index = from + offset;
        const { type, schemaVersion, data, metadata } = event(index);
        return [index + 1, `s-${index}`, 1, randomUUID(), type, schemaVersion, JSON.stringify(data), JSON.stringify(metadata), recordedAt] as const;
      });
      const column = (col: number): unknown[] => rows.map((row) => row[col]);
      if (style === 'values') await client.query(insertValues, rows.flat());
      else if (style === 'unnest') await client.query(insertUnnest, [...Array.from({ length: 8 }, (_, col) => column(col)), recordedAt]);
      else await client.query(insertJson, [...[0, 1, 2, 3, 4, 5].map((col) => JSON.stringify(column(col))), `[${column(6).join(',')}]`, `[${column(7).join(',')}]`, recordedAt]);
    }
    return RAW_ROWS / ((performance.now() - started) / 1_000);
  } finally {
    await client.end();
    await dropSchema(schema);
  }
}

/** The measurements alternate, REPEATS times each, and the best of each is kept (the least disturbed on a shared machine). */
export async function runPgAppendBench(): Promise<Record<string, number>> {
  let adapter = 0;
  let values = 0;
  let unnest = 0;
  let json = 0;
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    values = Math.max(values, await raw('values'));
    unnest = Math.max(unnest, await raw('unnest'));
    json = Math.max(json, await raw('json'));
    adapter = Math.max(adapter, await throughAdapter());
  }
  const baseline = Math.max(values, unnest, json);
  return {
    adapterAppendsPerSec: Math.round(adapter),
    rawValuesPerSec: Math.round(values),
    rawUnnestPerSec: Math.round(unnest),
    rawJsonPerSec: Math.round(json),
    adapterVsRaw: adapter / baseline,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runPgAppendBench();
  const rate = (value: number | undefined): string => `${Math.round(value ?? 0).toLocaleString('en-US')} events/s`;
  console.log(`best of ${REPEATS} alternating runs each, same server, same table and rows, synchronous_commit on`);
  console.log(`durable single-event appends through the adapter (group commit): ${rate(figures.adapterAppendsPerSec)}`);
  console.log(`raw INSERT … VALUES, ${ROWS_PER_TX} rows per transaction:             ${rate(figures.rawValuesPerSec)}`);
  console.log(`raw INSERT … SELECT FROM unnest, ${ROWS_PER_TX} rows per transaction:  ${rate(figures.rawUnnestPerSec)}`);
  console.log(`raw INSERT … SELECT FROM json arrays, ${ROWS_PER_TX} rows per transaction: ${rate(figures.rawJsonPerSec)}`);
  console.log(`adapter vs the fastest raw: ${figures.adapterVsRaw?.toFixed(2)}x (goal >= 0.5x)`);
}
