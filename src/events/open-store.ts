import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock/index.ts';
import type { EventStore } from './types.ts';
import { createEsdbEventStore } from './adapters/esdb/index.ts';
import { createMemoryEventStore } from './adapters/memory/index.ts';
import { createSqliteEventStore } from './adapters/sqlite/index.ts';
import { createPostgresEventStore } from './adapters/postgres/index.ts';

export type StoreKind = 'sqlite' | 'memory' | 'esdb' | 'postgres';

export class StoreSpecError extends Error {
  override name = 'StoreSpecError';
}

/** Which store a spec names: `sqlite` (default, `<dataDir>/events.sqlite`), `sqlite:<path>`, `memory`, an `esdb://` or a `postgres://` URL. */
export function storeKindOf(spec: string): StoreKind {
  if (spec === 'memory') return 'memory';
  if (spec === 'sqlite' || spec.startsWith('sqlite:')) return 'sqlite';
  if (/^(esdb|esdb\+discover|kurrentdb):\/\//.test(spec)) return 'esdb';
  if (/^postgres(ql)?:\/\//.test(spec)) return 'postgres';
  throw new StoreSpecError(
    `Unknown store '${spec}': use 'sqlite' (the default, a file in the data directory), 'sqlite:<path>', 'memory', an EventStoreDB URL such as 'esdb://localhost:2113?tls=false', or a PostgreSQL URL such as 'postgres://user@localhost:5432/db?schema=freshet'.`,
  );
}

export function openEventStore(spec: string, dataDir: string, options: { clock?: Clock; durability?: 'durable' | 'relaxed' } = {}): EventStore {
  switch (storeKindOf(spec)) {
    case 'memory':
      return createMemoryEventStore({ ...(options.clock ? { clock: options.clock } : {}) });
    case 'esdb':
      return createEsdbEventStore({ connectionString: spec });
    case 'postgres':
      return createPostgresEventStore({ connectionString: spec, ...(options.clock ? { clock: options.clock } : {}), ...(options.durability ? { durability: options.durability } : {}) });
    case 'sqlite': {
      const path = spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : join(dataDir, 'events.sqlite');
      if (!spec.startsWith('sqlite:')) mkdirSync(dataDir, { recursive: true });
      return createSqliteEventStore({ path, ...(options.clock ? { clock: options.clock } : {}), ...(options.durability ? { durability: options.durability } : {}) });
    }
  }
}
