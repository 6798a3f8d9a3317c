import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPostgresEventStore } from '../../src/events/index.ts';
import { addEvent, emptyBatch } from '../../src/projections/occurrence-writes.ts';
import { occurrencesFromEvents, postgresProjectionPersistence, takeLedger, WorkflowProjection } from '../../src/projections/index.ts';
import { WorkflowQueries } from '../../src/workflow-scheduler/index.ts';
import { workflowStreamName } from '../../src/workflows/index.ts';
import { dropSchema, freshSchema, pgSkip, withSchema } from '../events/postgres-server.ts';
import { ledgerScenario } from '../support/ledger-scenario.ts';

const describePg = pgSkip.skip ? describe.skip : describe;
const FROM = Date.parse('2026-03-02T09:00:00Z');
const TO = Date.parse('2026-03-02T13:00:00Z');

/** The scenario's events, made under fake timers in memory, then appended to a real PostgreSQL schema. */
async function scenarioIn(schema: string) {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
  const made = await ledgerScenario().finally(() => vi.useRealTimers());
  const store = createPostgresEventStore({ connectionString: withSchema(schema) });
  await store.appendToStream(workflowStreamName(made.id), made.events.map(({ type, schemaVersion, data, metadata }) => ({ type, schemaVersion, data, metadata })), { expectedVersion: 'no_stream' });
  return { ...made, store, events: await store.readStream(workflowStreamName(made.id)) };
}

describePg(`the indexed ledger in PostgreSQL${pgSkip.skip ? ` (skipped: ${pgSkip.skip})` : ''}`, () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('equals the whole-stream fold, and a node restarted on the schema answers from the saved rows', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const { id, store, events } = await scenarioIn(schema);
    const all = occurrencesFromEvents(events, { from: FROM, to: TO, limit: 100_000 });
    const first = new WorkflowProjection(store, postgresProjectionPersistence({ connectionString: withSchema(schema) }));
    await first.start();
    expect(await new WorkflowQueries(store, first).occurrences(id, { from: FROM, to: TO, limit: 100_000 })).toEqual(all);
    await first.stop();
    // The next node finds the ledger saved at the log's head: it reads nothing of the log before answering.
    const persistence = postgresProjectionPersistence({ connectionString: withSchema(schema) });
    expect((await persistence.load()).ledgerPosition).toBe(await store.headPosition());
    const page = await takeLedger(persistence.occurrences, id, { from: FROM, to: TO, descending: true, limit: 25 }, async (f) => f);
    expect(page.items).toEqual(all.slice(-25).reverse());
    await persistence.close();
    await store.close();
  });

  it('nodes saving the same events in any order agree: each field takes the newest version that set it', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const { id, store, events } = await scenarioIn(schema);
    const persistence = postgresProjectionPersistence({ connectionString: withSchema(schema) });
    const loaded = await persistence.load();
    // Two nodes: one saves the second half, a lagging one saves the first half after it, then both again.
    const half = Math.floor(events.length / 2);
    for (const slice of [events.slice(half), events.slice(0, half), events]) {
      const batch = emptyBatch();
      for (const e of slice) addEvent(batch, e);
      await persistence.save(loaded.checkpoint, new Map(), { batch, position: 0 });
    }
    const got = await takeLedger(persistence.occurrences, id, { from: FROM, to: TO, descending: false, limit: 100_000 }, async (f) => f);
    expect(got.items).toEqual(occurrencesFromEvents(events, { from: FROM, to: TO, limit: 100_000 }));
    await persistence.close();
    await store.close();
  });
});
