import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteEventStore } from '../../src/events/index.ts';
import { eventStoreContract } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'freshet-sqlite-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

eventStoreContract('sqlite', async () => {
  const store = createSqliteEventStore({ path: join(dir, `store-${(files += 1)}.db`) });
  return { store, cleanup: () => store.close() };
});
