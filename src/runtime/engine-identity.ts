import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * The engine's identity is the data directory's, kept in a file there: after a restart the engine recognises the
 * fires it had claimed but not yet invoked as its own and fires them at once, instead of waiting out the misfire
 * threshold as it must for another engine's claims. Only one process can hold a data directory (DuckDB locks the
 * warehouse file), so two live engines never share an identity.
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
