import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { EventStoreArgumentError } from '../../argument-error.ts';

/** Where the store lives: the connection string for the driver, the schema, and a label for messages. */
export interface Target {
  /** The connection string without freshet's own `schema` parameter. */
  connectionString: string;
  schema: string;
  /** host:port/database (schema), never the credentials. */
  label: string;
  /** The LISTEN/NOTIFY channel of this schema (channels are per database, so it is derived from the schema). */
  channel: string;
}

const example = "e.g. 'postgres://postgres@127.0.0.1:5432/test' or 'postgres://user@host/db?schema=freshet'";

/** Reads the target from a postgres:// URL; `schema` (option or `?schema=`) defaults to `freshet`. */
export function parseTarget(connectionString: unknown, schemaOption?: unknown): Target {
  if (typeof connectionString !== 'string' || !/^postgres(ql)?:\/\//.test(connectionString)) {
    throw new EventStoreArgumentError(`The PostgreSQL store needs a postgres:// connection string (${example}), got ${String(connectionString)}.`);
  }
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new EventStoreArgumentError(`The PostgreSQL connection string is not a valid URL (${example}).`);
  }
  const schema = schemaOption ?? url.searchParams.get('schema') ?? 'freshet';
  if (typeof schema !== 'string' || schema.length === 0 || Buffer.byteLength(schema) > 63) {
    throw new EventStoreArgumentError(`The PostgreSQL schema must be a name of 1 to 63 bytes, got ${JSON.stringify(schema)}.`);
  }
  url.searchParams.delete('schema');
  const database = decodeURIComponent(url.pathname.slice(1)) || '(default database)';
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  const channel = `freshet_${createHash('sha256').update(schema).digest('hex').slice(0, 24)}`;
  return { connectionString: url.toString(), schema, label: `${host}:${url.port || 5432}/${database} (schema ${schema})`, channel };
}

/** One statement from ./sql, with `@schema` replaced by the schema's quoted identifier. */
export function sqlText(name: string, schema: string): string {
  return readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8').replaceAll('@schema', pg.escapeIdentifier(schema));
}

/** bigint columns (positions) as numbers: they stay far below 2^53. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export function createPool(target: Target, max: number, connectTimeoutMs: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: target.connectionString, max, connectionTimeoutMillis: connectTimeoutMs, types, application_name: 'freshet' });
  // An idle client losing its connection is reported here; the next query then fails and is mapped.
  pool.on('error', () => undefined);
  return pool;
}

export function createClient(target: Target, connectTimeoutMs: number): pg.Client {
  return new pg.Client({ connectionString: target.connectionString, connectionTimeoutMillis: connectTimeoutMs, types, application_name: 'freshet listener' });
}

/** Opens one connection, runs `work` on it and closes it (for one-off work such as preparing the schema). */
export async function withClient<T>(target: Target, connectTimeoutMs: number, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = createClient(target, connectTimeoutMs);
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
