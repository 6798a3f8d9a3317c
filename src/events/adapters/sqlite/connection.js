// @ts-check
// Shared by the main thread and the writer thread (plain JavaScript: see ../../expected-version.js).
import { readFileSync } from 'node:fs';

/**
 * One statement from ./sql.
 * @param {string} name
 * @returns {string}
 */
export const sqlText = (name) => readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8');

/**
 * The per-connection settings every connection to a store file needs (journal_mode is the file's, set once).
 * @param {import('better-sqlite3').Database} db
 * @param {'durable' | 'relaxed'} durability
 */
export function tuneConnection(db, durability) {
  // Checkpoint every ~16 MB of WAL rather than 4 MB: hot index pages are copied back less often under load.
  db.pragma('wal_autocheckpoint = 4000');
  db.pragma('cache_size = -16000');
  // FULL: a commit is fsync'd before the append resolves. NORMAL may lose the last commits on power loss.
  db.pragma(`synchronous = ${durability === 'durable' ? 'FULL' : 'NORMAL'}`);
}
