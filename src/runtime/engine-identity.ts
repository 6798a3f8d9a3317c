import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * A node's identity when none is given (--node-id): the data directory's, kept in a file there. On its own store
 * (SQLite) it is also the engine's: after a restart the engine recognises the fires it had claimed but not yet
 * invoked as its own and fires them at once. Only one process can hold a data directory (DuckDB locks the
 * warehouse file), so two live engines never share it; on a shared store the node lease checks that
 * (node-lease.ts), and each run claims under an id of its own (node-identity.ts).
 */
export function engineIdentity(dataDir: string): string {
  const path = join(dataDir, 'engine-id');
  if (existsSync(path)) {
    const id = readFileSync(path, 'utf8').trim();
    if (id) return id;
  }
  const id = `${hostname()}-${randomUUID().slice(0, 8)}`;
  writeFileSync(path, `${id}\n`);
  return id;
}
