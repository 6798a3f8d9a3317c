import pg from 'pg';
import { EventStoreError, StoreCorruptedError, StoreUnavailableError } from '../../errors.ts';

/** The server's SQLSTATE, or '' when the error did not come from the server. */
const sqlstateOf = (error: unknown): string => (error instanceof pg.DatabaseError ? (error.code ?? '') : '');

/** SQLSTATE classes that mean "the server or the connection", not "this statement": retry later. */
const UNAVAILABLE_CLASSES = ['08', '53', '57', '58', '28', '3D', '40'];

/** What node-postgres and the socket say when there is no usable connection (they carry no SQLSTATE). */
const NO_CONNECTION = /Connection terminated|timeout exceeded when trying to connect|encountered a connection error|Client was closed|Cannot use a pool after calling end|Connection ended/i;

/** A refused, reset or timed-out socket, or a client or pool that lost or never had its connection. */
const unreachable = (error: unknown): boolean =>
  error instanceof Error &&
  !(error instanceof pg.DatabaseError) &&
  (('code' in error && typeof error.code === 'string' && /^E[A-Z]+$/.test(error.code)) || NO_CONNECTION.test(error.message));

/**
 * PostgreSQL failures as the port's errors: no connection, and the server-side classes above, are "unavailable"; a
 * schema whose tables are gone is "corrupted"; the port's own errors and anything else (a bug) pass through.
 */
export function mapPgError(error: unknown, label: string, doing: string): unknown {
  if (error instanceof EventStoreError) return error;
  const sqlstate = sqlstateOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (sqlstate === '42P01' || sqlstate === '3F000') {
    return new StoreCorruptedError(`The PostgreSQL event store at ${label} lacks its tables (${sqlstate}: ${detail}) while ${doing}.`, { cause: error });
  }
  if (unreachable(error) || (sqlstate !== '' && UNAVAILABLE_CLASSES.includes(sqlstate.slice(0, 2)))) {
    const code = sqlstate || (error as { code?: string }).code;
    return new StoreUnavailableError(`The PostgreSQL event store at ${label} is unavailable (${code ? `${code}: ` : ''}${detail}) while ${doing}.`, { cause: error });
  }
  return error;
}

/** A failure of the connection itself: the client that met it is thrown away, and its batch is not split. */
export const isConnectionError = (error: unknown): boolean => unreachable(error) || ['08', '57'].includes(sqlstateOf(error).slice(0, 2)) || error instanceof EventStoreError;
