import { StoreCorruptedError, StoreUnavailableError } from '../../errors.ts';

const code = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : '';


/**
 * SQLite failures as the port's errors: a locked, full, read-only or failing disk is "unavailable" (retry later,
 * or fix the disk); a malformed file is "corrupted". Anything else is a bug and passes through unchanged.
 */
export function mapSqliteError(error: unknown, path: string, doing: string): unknown {
  const sqliteCode = code(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(sqliteCode)) {
    return new StoreCorruptedError(`Event store file ${path} is corrupted (${sqliteCode}: ${detail}) while ${doing}.`, { cause: error });
  }
  if (/^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PERM|PROTOCOL)/.test(sqliteCode)) {
    return new StoreUnavailableError(`Event store file ${path} is unavailable (${sqliteCode}: ${detail}) while ${doing}.`, { cause: error });
  }
  return error;
}
