import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteEventStore } from '../../src/events/index.ts';
import { eventStoreContract } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'freshet-sqlite-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

// Both ways of writing: the writer thread (the default) and inline on the caller's thread, which also merges its
// stream index every 3 events, so reads and retries meet entries on both levels of it.
for (const writer of ['thread', 'inline'] as const) {
  eventStoreContract(`sqlite (${writer} writer)`, async () => {
    const store = createSqliteEventStore({ path: join(dir, `store-${(files += 1)}.db`), writer, ...(writer === 'inline' ? { indexMergeEvery: 3 } : {}) });
    return { store, cleanup: () => store.close() };
  });
}
