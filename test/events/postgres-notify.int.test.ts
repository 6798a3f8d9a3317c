import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/events/adapters/postgres/connection.ts';
import { createPostgresEventStore, type EventStore, type RecordedEvent } from '../../src/events/index.ts';
import { ev, waitFor } from './contract.ts';
import { dropSchema, freshSchema, PG_URL, pgSkip } from './postgres-server.ts';

const describePg = pgSkip.skip ? describe.skip : describe;

/**
 * How subscriptions learn of other processes' commits. `writer` is a second store on the same schema: its own pool
 * and connections, as another process or machine would have.
 */
describePg(`PostgreSQL subscriptions: LISTEN/NOTIFY and the poll${pgSkip.skip ? ` (skipped: ${pgSkip.skip})` : ''}`, () => {
  let schema: string;
  let admin: pg.Client;
  const stores: EventStore[] = [];
  const open = (pollIntervalMs: number): EventStore => {
    const store = createPostgresEventStore({ connectionString: PG_URL, schema, pollIntervalMs });
    stores.push(store);
    return store;
  };
  const channel = (): string => parseTarget(PG_URL, schema).channel;
  /** The backends LISTENing on this schema's channel (the server shows each one's last statement). */
  const listeners = async (): Promise<number[]> =>
    (await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'freshet listener' AND query = $1", [`LISTEN ${pg.escapeIdentifier(channel())}`])).rows.map(
      (row) => row.pid,
    );
  const untilListening = async (): Promise<number[]> => {
    let pids: number[] = [];
    const deadline = performance.now() + 10_000;
    while ((pids = await listeners()).length === 0 && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(pids).toHaveLength(1);
    return pids;
  };

  beforeEach(async () => {
    schema = freshSchema();
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await admin.end();
    await dropSchema(schema);
  });

  it("another process's commit is delivered by its notification, long before the poll would find it", async () => {
    const reader = open(600_000);
    const writer = open(600_000);
    await writer.headPosition();
    const seen: RecordedEvent[] = [];
    const subscription = reader.subscribe().subscribe((event) => seen.push(event));
    await untilListening();
    // The first commit may also be found by the read that follows LISTEN; the second can only be announced.
    await writer.appendToStream('orders-1', [ev('Placed')]);
    await waitFor(() => seen.length === 1);
    const started = performance.now();
    await writer.appendToStream('orders-1', [ev('Shipped')]);
    await waitFor(() => seen.length === 2, 5_000);
    subscription.unsubscribe();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(seen.map((event) => event.type)).toEqual(['Placed', 'Shipped']);
  });

  it('a notification is only a wake-up: one that names no new commit delivers nothing, the next real one its events', async () => {
    const reader = open(600_000);
    const writer = open(600_000);
    await writer.appendToStream('orders-1', [ev('Before')]);
    const seen: RecordedEvent[] = [];
    const subscription = reader.subscribe({ after: await reader.headPosition() }).subscribe((event) => seen.push(event));
    await untilListening();
    await admin.query('SELECT pg_notify($1, $2)', [channel(), '999999']);
    await admin.query('SELECT pg_notify($1, $2)', [channel(), 'not a position']);
    await writer.appendToStream('orders-1', [ev('After')]);
    await waitFor(() => seen.length > 0);
    subscription.unsubscribe();
    expect(seen.map((event) => [event.type, event.version])).toEqual([['After', 2]]);
  });

  it('a lost LISTEN connection only delays delivery: the poll finds the commit and listening resumes', async () => {
    const reader = open(100);
    const writer = open(600_000);
    await writer.headPosition();
    const seen: RecordedEvent[] = [];
    const subscription = reader.subscribe().subscribe((event) => seen.push(event));
    const [pid] = await untilListening();
    await writer.appendToStream('orders-1', [ev('Placed')]);
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await writer.appendToStream('orders-1', [ev('Shipped')]);
    await waitFor(() => seen.length >= 2);
    const [again] = await untilListening();
    subscription.unsubscribe();
    expect(seen.map((event) => event.type)).toEqual(['Placed', 'Shipped']);
    expect(again).not.toBe(pid);
  });
});
