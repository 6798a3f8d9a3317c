import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresEventStore, type EventStore } from '../../src/events/index.ts';
import { postgresProjectionPersistence, WorkflowProjection, type ProjectedWorkflow } from '../../src/projections/index.ts';
import { createWorkflow, openApi } from '../api/support/api-harness.ts';
import { dropSchema, freshSchema, PG_URL, pgSkip, withSchema } from './postgres-server.ts';

const describePg = pgSkip.skip ? describe.skip : describe;
const row = (version: number, marker: string): ProjectedWorkflow => ({ version, state: { marker } as unknown as ProjectedWorkflow['state'] });

describePg(`the WorkflowInfo read model in PostgreSQL${pgSkip.skip ? ` (skipped: ${pgSkip.skip})` : ''}`, () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('a node restarts from the checkpoint: it reads the log only after it, and answers from the saved rows', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const first = await openApi({ store: withSchema(schema) });
    const id = await createWorkflow(first.app);
    await first.close();

    const store = createPostgresEventStore({ connectionString: withSchema(schema) });
    const head = await store.headPosition();
    const afters: (number | undefined)[] = [];
    const watched: EventStore = { ...store, subscribe: (options) => (afters.push(options?.after), store.subscribe(options)) };
    const projection = new WorkflowProjection(watched, postgresProjectionPersistence({ connectionString: withSchema(schema) }));
    await projection.start();
    expect(head).toBeGreaterThan(0);
    expect(afters).toEqual([head]);
    expect(projection.get(id)?.workflowId).toBe(id);
    await projection.stop();
    await store.close();
  });

  it('nodes share the rows: a lagging node saving older rows moves neither a row nor the checkpoint (nor its event) backwards', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const ahead = postgresProjectionPersistence({ connectionString: PG_URL, schema });
    const behind = postgresProjectionPersistence({ connectionString: PG_URL, schema });
    try {
      await ahead.save({ position: 10, event: 'e10' }, new Map([['w1', row(5, 'new')], ['w2', row(1, 'only')]]));
      await behind.save({ position: 6, event: 'e6' }, new Map([['w1', row(3, 'old')], ['w3', row(2, 'other')]]));
      const loaded = await behind.load();
      expect(loaded.checkpoint).toEqual({ position: 10, event: 'e10' });
      expect(Object.fromEntries(loaded.rows)).toEqual({ w1: row(5, 'new'), w2: row(1, 'only'), w3: row(2, 'other') });
    } finally {
      await ahead.close();
      await behind.close();
    }
  });
});
