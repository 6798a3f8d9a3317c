/**
 * A writer process for postgres-visibility.int.test.ts: `node --import tsx postgres-writer-process.ts <url> <schema>
 * <writer> <bursts> <perBurst>`. It appends bursts of concurrent appends through the adapter (its own streams with
 * exact expected versions, and shared streams with 'any'), then prints one JSON line with every id it appended.
 */
import { randomUUID } from 'node:crypto';
import { createPostgresEventStore } from '../../src/events/index.ts';

const [url, schema, writer, bursts, perBurst] = process.argv.slice(2);
const store = createPostgresEventStore({ connectionString: url!, schema: schema! });
const ids: string[] = [];
const versions = new Map<string, number>();
for (let burst = 0; burst < Number(bursts); burst += 1) {
  const pending: Promise<unknown>[] = [];
  for (let index = 0; index < Number(perBurst); index += 1) {
    const id = randomUUID();
    ids.push(id);
    const event = { id, type: 'Written', schemaVersion: 1, data: { writer, burst, index }, metadata: { actor: `writer-${writer}`, correlationId: id, occurredAt: '2024-05-01T00:00:00.000Z' } };
    if (index % 3 === 0) {
      pending.push(store.appendToStream(`shared-${index % 5}`, [event]));
    } else {
      const stream = `w${writer}-${index % 7}`;
      const expected = versions.get(stream) ?? 0;
      versions.set(stream, expected + 1);
      pending.push(store.appendToStream(stream, [event], { expectedVersion: expected }));
    }
  }
  await Promise.all(pending);
}
await store.close();
process.stdout.write(`${JSON.stringify({ writer, ids })}\n`);
