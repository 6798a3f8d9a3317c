import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, take, timeout, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresEventStore, type EventStore, type RecordedEvent } from '../../src/events/index.ts';
import { waitFor } from './contract.ts';
import { dropSchema, freshSchema, PG_URL, pgSkip } from './postgres-server.ts';

const WRITER = fileURLToPath(new URL('./postgres-writer-process.ts', import.meta.url));

/** Runs one writer process to its end and answers the ids it appended. */
function runWriter(schema: string, writer: number, bursts: number, perBurst: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, PG_URL, schema, String(writer), String(bursts), String(perBurst)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve((JSON.parse(out) as { ids: string[] }).ids) : reject(new Error(`writer ${writer} exited ${code}: ${err}`))));
  });
}

const describePg = pgSkip.skip ? describe.skip : describe;

// The global-order problem: positions must become visible in order, or a subscriber reading "after my cursor" skips
// an event that commits late. Several processes append at once; a live subscriber must see each event once, in
// position order, and exactly the log a reader sees afterwards.
describePg(`PostgreSQL event store: visibility under concurrent writer processes${pgSkip.skip ? ` (skipped: ${pgSkip.skip})` : ''}`, () => {
  let schema: string;
  let store: EventStore;
  afterEach(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('a subscriber sees every event of 4 concurrent writer processes exactly once, in position order', { timeout: 120_000 }, async () => {
    schema = freshSchema();
    store = createPostgresEventStore({ connectionString: PG_URL, schema });
    await store.headPosition(); // the schema exists before the writers race to open it
    const writers = 4;
    const bursts = 25;
    const perBurst = 60;
    const total = writers * bursts * perBurst;
    // Two subscribers from the start: one through take(total), one kept open, each with its own cursor.
    const seen: RecordedEvent[] = [];
    const received = firstValueFrom(
      store.subscribe({ after: 0 }).pipe(
        take(total),
        toArray(),
        timeout(100_000),
      ),
    );
    const subscription = store.subscribe({ after: 0 }).subscribe((event) => seen.push(event));
    const written = (await Promise.all(Array.from({ length: writers }, (_, writer) => runWriter(schema, writer, bursts, perBurst)))).flat();
    const events = await received;
    await waitFor(() => seen.length >= total, 30_000);
    subscription.unsubscribe();

    expect(written).toHaveLength(total);
    const positions = events.map((event) => event.position);
    positions.slice(1).forEach((position, index) => expect(position).toBeGreaterThan(positions[index]!));
    expect(new Set(events.map((event) => event.id)).size).toBe(total);
    expect(new Set(events.map((event) => event.id))).toEqual(new Set(written));
    // What was delivered live is the log as a reader sees it once every writer is done.
    const log = await store.readAll();
    expect(events.map((event) => event.id)).toEqual(log.map((event) => event.id));
    expect(seen.map((event) => event.id)).toEqual(log.map((event) => event.id));
    // Every stream's versions run 1, 2, 3… in log order.
    const last = new Map<string, number>();
    for (const event of events) {
      expect(event.version).toBe((last.get(event.streamName) ?? 0) + 1);
      last.set(event.streamName, event.version);
    }
  });
});
