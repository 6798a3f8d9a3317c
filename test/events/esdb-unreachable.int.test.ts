import { createServer } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEsdbEventStore } from '../../src/events/adapters/esdb/index.ts';
import { StoreUnavailableError, type EventStore } from '../../src/events/index.ts';
import { ev } from './contract.ts';

/** A port that was just listening and is now closed: connecting to it is refused at once. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
};

// The real client against a real (closed) socket: no fake involved.
describe('EventStoreDB adapter with no server listening', () => {
  let store: EventStore;
  let host: string;

  beforeEach(async () => {
    host = `127.0.0.1:${await closedPort()}`;
    store = createEsdbEventStore({ connectionString: `esdb://${host}?tls=false`, deadlineMs: 2_000 });
  });
  afterEach(() => store.close());

  const unavailable = async (attempt: Promise<unknown>): Promise<void> => {
    const started = performance.now();
    const error: unknown = await attempt.then(() => undefined, (reason: unknown) => reason);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain(host);
    // Refused connections fail fast; well inside the 2 s deadline.
    expect(performance.now() - started).toBeLessThan(1_500);
  };

  it('an append fails quickly with StoreUnavailableError naming the host (the client throws a raw gRPC error)', async () => {
    await unavailable(store.appendToStream('orders-1', [ev('Placed')], { expectedVersion: 'no_stream' }));
  });

  it('reads, existence checks and the head position fail the same way', async () => {
    await unavailable(store.readStream('orders-1'));
    await unavailable(store.readAll());
    await unavailable(store.streamExists('orders-1'));
    await unavailable(store.streamVersion('orders-1'));
    await unavailable(store.headPosition());
  });

  it('a subscription errors with StoreUnavailableError', async () => {
    await unavailable(firstValueFrom(store.subscribe()));
  });

  it('names the host but never the credentials of the connection string', async () => {
    const withCredentials = createEsdbEventStore({ connectionString: `esdb://admin:s3cret@${host}?tls=false` });
    const error: unknown = await withCredentials.readAll().catch((reason: unknown) => reason);
    await withCredentials.close();
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain(host);
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('a malformed connection string is refused up front with an example of a good one', () => {
    expect(() => createEsdbEventStore({ connectionString: 'http://localhost:2113' })).toThrow(/esdb:\/\/localhost:2113\?tls=false/);
  });
});
