/**
 * The state behind the fake EventStoreDB server: streams, the `$all` log, expected-revision checks and idempotent
 * retries, modelled on EventStoreDB's documented behaviour (not on its code). Revisions are 0-based, positions
 * grow by the record's size, so they are strictly increasing but not contiguous, as on a real server.
 */
export interface FakeRecord {
  streamName: string;
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
  revision: bigint;
  position: bigint;
  createdMs: number;
}

export type WireExpected = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

export interface Proposed {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

export type AppendOutcome =
  | { kind: 'success'; current: bigint | undefined; position: bigint | undefined }
  | { kind: 'wrong_expected_version'; current: bigint | undefined };

export class FakeLog {
  readonly all: FakeRecord[] = [];
  private readonly streams = new Map<string, FakeRecord[]>();
  private readonly listeners = new Set<(record: FakeRecord) => void>();
  private nextPosition = 1_000n;

  constructor(private readonly now: () => number) {}

  stream(name: string): FakeRecord[] | undefined {
    return this.streams.get(name);
  }

  /** Live subscriptions still attached: drops to 0 once clients unsubscribe. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  onAppend(listener: (record: FakeRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(streamName: string, expected: WireExpected, proposed: readonly Proposed[]): AppendOutcome {
    const stream = this.streams.get(streamName) ?? [];
    const current = stream.length === 0 ? undefined : BigInt(stream.length - 1);
    // Retried writes (same ids where the write would have gone) succeed without writing, and without a position.
    const base = expected.kind === 'no_stream' ? 0 : expected.kind === 'revision' ? Number(expected.revision) + 1 : undefined;
    if (base !== undefined && proposed.length > 0 && stream.length >= base + proposed.length) {
      const earlier = stream.slice(base, base + proposed.length);
      if (earlier.every((record, index) => record.id === proposed[index]!.id)) {
        return { kind: 'success', current: earlier[earlier.length - 1]!.revision, position: undefined };
      }
    }
    const ok =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === undefined) ||
      (expected.kind === 'stream_exists' && current !== undefined) ||
      (expected.kind === 'revision' && current === expected.revision);
    if (!ok) return { kind: 'wrong_expected_version', current };
    if (proposed.length === 0) return { kind: 'success', current, position: undefined };
    const written = proposed.map((event) => this.write(streamName, stream, event));
    this.streams.set(streamName, stream);
    for (const record of written) for (const listener of [...this.listeners]) listener(record);
    return { kind: 'success', current: BigInt(stream.length - 1), position: written[written.length - 1]!.position };
  }

  /** A record the server writes for itself (stats, stream metadata…), which clients must skip. */
  appendSystem(streamName: string, type: string): FakeRecord {
    const stream = this.streams.get(streamName) ?? [];
    const record = this.write(streamName, stream, { id: crypto.randomUUID(), type, contentType: 'application/json', data: new Uint8Array(), metadata: new Uint8Array() });
    this.streams.set(streamName, stream);
    for (const listener of [...this.listeners]) listener(record);
    return record;
  }

  private write(streamName: string, stream: FakeRecord[], event: Proposed): FakeRecord {
    const record: FakeRecord = { ...event, streamName, revision: BigInt(stream.length), position: this.nextPosition, createdMs: this.now() };
    this.nextPosition += 64n + BigInt(event.data.length + event.metadata.length);
    stream.push(record);
    this.all.push(record);
    return record;
  }
}

/** ESDB filters: a prefix list or a regex, on the stream name or the event type. */
export interface FakeFilter {
  on: 'stream' | 'type';
  prefixes: string[];
  regex: string;
}

export const passes = (filter: FakeFilter | undefined, record: FakeRecord): boolean => {
  if (filter === undefined) return true;
  const subject = filter.on === 'stream' ? record.streamName : record.type;
  if (filter.prefixes.length > 0) return filter.prefixes.some((prefix) => subject.startsWith(prefix));
  return filter.regex === '' || new RegExp(filter.regex).test(subject);
};
