import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server the tests use: FRESHET_PG_URL, else the local one every development and CI machine of this
 * project runs. A user's run without a reachable server reports the PostgreSQL tests skipped; under CI=true they
 * run anyway and fail, naming the server, so CI cannot pass without having tested them.
 */
export const PG_URL = process.env.FRESHET_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `no PostgreSQL server at ${PG_URL.replace(/\/\/[^@/]*@/, '//')} (${error instanceof Error ? error.message : String(error)}); set FRESHET_PG_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await probe();
/** The contract's skip option: a reason when the server is unreachable in a user's run, never under CI. */
export const pgSkip: { skip?: string } = unreachable !== undefined && process.env.CI !== 'true' ? { skip: unreachable } : {};

/** A schema name no other test uses. */
export const freshSchema = (): string => `freshet_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

/** The test server's URL with a store schema of its own. */
export const withSchema = (schema: string): string => `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;

/** Runs one statement on the test server, on a connection of its own. */
export async function runSql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Drops a test's schema and everything in it. */
export function dropSchema(schema: string): Promise<void> {
  return runSql(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
}
