import { createEsdbEventStore } from '../../src/events/adapters/esdb/index.ts';
import { eventStoreContract } from './contract.ts';

/**
 * The event-store contract against a REAL EventStoreDB, opt-in: `docker compose up -d eventstore`, then
 * `FRESHET_ESDB_URL='esdb://localhost:2113?tls=false' npx vitest run test/events/esdb.int.test.ts`.
 * Without the variable every test is reported as skipped, never as passed. The suite writes under a fresh
 * stream-name prefix per test and only reads after the head it saw first, so a shared server is fine.
 */
const url = process.env.FRESHET_ESDB_URL;

eventStoreContract(
  'EventStoreDB (real server)',
  async () => {
    const store = createEsdbEventStore({ connectionString: url ?? '', deadlineMs: 10_000 });
    return { store, cleanup: () => store.close() };
  },
  url ? {} : { skip: 'FRESHET_ESDB_URL not set' },
);
