import { createPostgresEventStore } from '../../src/events/index.ts';
import { eventStoreContract } from './contract.ts';
import { dropSchema, freshSchema, PG_URL, pgSkip } from './postgres-server.ts';

// The shared contract against the real server, each test in a schema of its own that it drops.
eventStoreContract(
  'postgres (real server)',
  async () => {
    const schema = freshSchema();
    const store = createPostgresEventStore({ connectionString: PG_URL, schema });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
  pgSkip,
);
