import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEsdbEventStore } from '../../src/events/adapters/esdb/index.ts';
import { StoreUnavailableError, StreamNotFoundError, VersionConflictError, type EventStore } from '../../src/events/index.ts';
import { startFakeEsdbServer, type FakeEsdbServer } from '../support/fake-esdb-server.ts';
import { collect, ev, eventStoreContract, meta, waitFor } from './contract.ts';

/*
 * Everything here runs the real `@eventstore/db-client` against an in-process gRPC server built from the
 * client's own protocol definitions (test/support/fake-esdb-server.ts). It verifies the adapter's wiring —
 * revision and position mapping, error translation, what goes over the wire — against our MODEL of
 * EventStoreDB. Behaviour of a real server is only checked by esdb.int.test.ts with FRESHET_ESDB_URL set.
 */
const FAKE = 'a protocol-level fake (not verified against EventStoreDB)';

eventStoreContract(`EventStoreDB adapter against ${FAKE}`, async () => {
  const fake = await startFakeEsdbServer();
  const store = createEsdbEventStore({ connectionString: fake.connectionString });
  return { store, cleanup: async () => (await store.close(), await fake.close()) };
});

describe(`EventStoreDB adapter wiring against ${FAKE}`, () => {
  const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
  let fake: FakeEsdbServer;
  let store: EventStore;
  let host: string;

  beforeEach(async () => {
    fake = await startFakeEsdbServer({ now: () => T0 });
    host = fake.connectionString.slice('esdb://'.length, fake.connectionString.indexOf('?'));
    store = createEsdbEventStore({ connectionString: fake.connectionString });
  });
  afterEach(async () => {
    await store.close();
    await fake.close();
  });

  it('sends expected versions as 0-based revisions: 0 → NO_STREAM, n → n − 1, names → the client constants', async () => {
    await store.appendToStream('s', [ev('A')], { expectedVersion: 0 });
    await store.appendToStream('s', [ev('B'), ev('C')], { expectedVersion: 1 });
    await store.appendToStream('s', [ev('D')], { expectedVersion: 3 });
    await store.appendToStream('s', [ev('E')], { expectedVersion: 'stream_exists' });
    await store.appendToStream('s', [ev('F')]);
    await store.appendToStream('t', [ev('A')], { expectedVersion: 'no_stream' });
    expect(fake.appends.map((append) => append.expected)).toEqual([
      { kind: 'no_stream' },
      { kind: 'revision', revision: 0n },
      { kind: 'revision', revision: 2n },
      { kind: 'stream_exists' },
      { kind: 'any' },
      { kind: 'no_stream' },
    ]);
  });

  it('reads revisions back as versions (revision + 1) and sends fromVersion as fromVersion − 1', async () => {
    const result = await store.appendToStream('s', [ev('A'), ev('B'), ev('C')]);
    expect(fake.log.stream('s')!.map((record) => record.revision)).toEqual([0n, 1n, 2n]);
    expect(result.nextExpectedVersion).toBe(3);
    expect((await store.readStream('s', { fromVersion: 2 })).map((event) => event.version)).toEqual([2, 3]);
    expect((await store.readStream('s', { direction: 'backwards' })).map((event) => event.version)).toEqual([3, 2, 1]);
    expect(fake.reads.slice(-2).map((read) => [read.from, read.direction])).toEqual([['1', 'forwards'], ['end', 'backwards']]);
    expect(await store.streamVersion('s')).toBe(3);
  });

  it('uses commit positions as positions, unchanged, and recordedAt from the server timestamp', async () => {
    const result = await store.appendToStream('s', [ev('A'), ev('B')]);
    const records = fake.log.stream('s')!;
    const events = await store.readStream('s');
    expect(events.map((event) => event.position)).toEqual(records.map((record) => Number(record.position)));
    expect(result.position).toBe(Number(records[1]!.position));
    // Positions are not contiguous: the adapter never derives one position from another.
    expect(events[1]!.position - events[0]!.position).toBeGreaterThan(1);
    expect(events[0]!.recordedAt).toBe('2024-05-01T12:00:00.000Z');
    expect(await store.headPosition()).toBe(result.position);
  });

  it('reads $all strictly after a position by asking the server from that position and dropping the event at it', async () => {
    await store.appendToStream('s', [ev('A'), ev('B'), ev('C')]);
    const [a] = await store.readAll();
    const after = await store.readAll({ after: a!.position });
    expect(after.map((event) => event.type)).toEqual(['B', 'C']);
    expect(fake.reads.at(-1)).toMatchObject({ streamName: '$all', from: String(a!.position), direction: 'forwards' });
  });

  it('maps WrongExpectedVersion to VersionConflictError in versions, with 0 for a missing stream', async () => {
    await store.appendToStream('s', [ev('A'), ev('B'), ev('C')]);
    const stale: unknown = await store.appendToStream('s', [ev('X')], { expectedVersion: 2 }).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect(stale).toMatchObject({ streamName: 's', expected: 2, actual: 3 });
    const missing: unknown = await store.appendToStream('m', [ev('X')], { expectedVersion: 'stream_exists' }).catch((error: unknown) => error);
    expect(missing).toMatchObject({ name: 'VersionConflictError', streamName: 'm', expected: 'stream_exists', actual: 0 });
  });

  it('maps the server\'s stream-not-found answer to StreamNotFoundError', async () => {
    const error: unknown = await store.readStream('ghost').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect(error).toMatchObject({ streamName: 'ghost' });
    expect(await store.streamExists('ghost')).toBe(false);
  });

  it('carries schemaVersion (and ESDB\'s $correlationId) in the metadata JSON and strips them on read', async () => {
    const metadata = meta({ causationId: 'cause-1', reason: 'why' });
    await store.appendToStream('s', [ev('A', { n: 1 }, { schemaVersion: 4, metadata })]);
    const onWire: unknown = JSON.parse(Buffer.from(fake.log.stream('s')![0]!.metadata).toString('utf8'));
    expect(onWire).toEqual({ ...metadata, schemaVersion: 4, $correlationId: 'corr-1', $causationId: 'cause-1' });
    expect(fake.log.stream('s')![0]!.contentType).toBe('application/json');
    const [read] = await store.readStream('s');
    expect(read).toMatchObject({ schemaVersion: 4, metadata, data: { n: 1 } });
  });

  it('skips the server\'s own $-events in readAll, headPosition and subscriptions', async () => {
    const ours = await store.appendToStream('s', [ev('A')]);
    fake.log.appendSystem('$stats-127.0.0.1:2113', '$statsCollected');
    fake.log.appendSystem('$$s', '$metadata');
    expect((await store.readAll()).map((event) => event.streamName)).toEqual(['s']);
    expect(await store.headPosition()).toBe(ours.position);
    const received = collect(store.subscribe(), 2);
    fake.log.appendSystem('$stats-127.0.0.1:2113', '$statsCollected');
    await store.appendToStream('s', [ev('B')]);
    expect((await received).map((event) => event.type)).toEqual(['A', 'B']);
  });

  it("reads past other applications' events in a shared $all, which need not look like ours", async () => {
    await store.appendToStream('s', [ev('A')]);
    const foreign = { id: crypto.randomUUID(), type: 'Blob', contentType: 'application/octet-stream', data: new Uint8Array([1, 2]), metadata: new Uint8Array() };
    fake.log.append('other-app-1', { kind: 'any' }, [foreign]);
    expect((await store.readAll({ filter: { streamPrefix: 's' } })).map((event) => event.type)).toEqual(['A']);
    expect(await store.headPosition()).toBe(Number(fake.log.stream('other-app-1')![0]!.position));
  });

  it('passes prefix filters to the server and still checks types itself', async () => {
    await store.appendToStream('p-1', [ev('Made'), ev('Noted')]);
    await store.appendToStream('q-1', [ev('Made')]);
    const received = collect(store.subscribe({ filter: { streamPrefix: 'p-', eventTypes: ['Made'] } }), 1);
    expect((await received).map((event) => [event.streamName, event.type])).toEqual([['p-1', 'Made']]);
    expect(fake.reads.at(-1)).toMatchObject({ streamName: '$all', subscription: true, from: 'start' });
  });

  it('cancels the server-side subscription when the Observable is unsubscribed', async () => {
    const subscription = store.subscribe().subscribe();
    await waitFor(() => fake.log.listenerCount === 1);
    subscription.unsubscribe();
    await waitFor(() => fake.log.listenerCount === 0);
  });

  it('maps UNAVAILABLE and DEADLINE_EXCEEDED answers to StoreUnavailableError naming the host', async () => {
    fake.failNext(status.UNAVAILABLE, 'leader changed');
    const append: unknown = await store.appendToStream('s', [ev('A')]).catch((error: unknown) => error);
    expect(append).toBeInstanceOf(StoreUnavailableError);
    expect((append as Error).message).toContain(host);
    fake.failNext(status.DEADLINE_EXCEEDED, 'too slow');
    await expect(store.readAll()).rejects.toThrow(StoreUnavailableError);
  });

  it('does not disguise other server errors as unavailability', async () => {
    fake.failNext(status.INTERNAL, 'boom');
    const error: unknown = await store.readAll().catch((reason: unknown) => reason);
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/boom/);
  });
});
