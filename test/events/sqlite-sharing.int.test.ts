import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSqliteEventStore, StoreUnavailableError, VersionConflictError, type EventStore, type RecordedEvent } from '../../src/events/index.ts';
import { ev } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'freshet-sqlite-sharing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newPath = (): string => join(dir, `store-${(files += 1)}.db`);
const adapterEntry = fileURLToPath(new URL('../../src/events/index.ts', import.meta.url));

/** Appends from a separate Node process, through the adapter, then exits. */
function appendFromChildProcess(path: string, stream: string, count: number): Promise<void> {
  const script = `
    const { createSqliteEventStore } = await import(${JSON.stringify(adapterEntry)});
    const store = createSqliteEventStore({ path: ${JSON.stringify(path)} });
    const metadata = { actor: 'child', correlationId: 'c', occurredAt: '2024-05-01T00:00:00.000Z' };
    for (let i = 0; i < ${count}; i += 1) await store.appendToStream(${JSON.stringify(stream)}, [{ type: 'FromChild', schemaVersion: 1, data: { i }, metadata }]);
    await store.close();`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exited with ${code}: ${stderr}`))));
  });
}

describe('sqlite event store: several stores on one file', () => {
  let path: string;
  let first: EventStore;
  let second: EventStore;
  beforeEach(() => {
    path = newPath();
    first = createSqliteEventStore({ path, pollIntervalMs: 50 });
    second = createSqliteEventStore({ path, pollIntervalMs: 50 });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await first.close();
    await second.close();
  });

  it('checks the expected version against what the other store wrote', async () => {
    await first.appendToStream('shared', [ev('A')], { expectedVersion: 'no_stream' });
    const [fromFirst, fromSecond] = await Promise.allSettled([
      first.appendToStream('shared', [ev('B')], { expectedVersion: 1 }),
      second.appendToStream('shared', [ev('C')], { expectedVersion: 1 }),
    ]);
    expect([fromFirst.status, fromSecond.status].sort()).toEqual(['fulfilled', 'rejected']);
    const loser = fromFirst.status === 'rejected' ? fromFirst.reason : (fromSecond as PromiseRejectedResult).reason;
    expect(loser).toBeInstanceOf(VersionConflictError);
    expect(loser).toMatchObject({ expected: 1, actual: 2 });
    expect((await second.readStream('shared')).map((event) => event.version)).toEqual([1, 2]);
  });

  it('gives both stores one global order', async () => {
    await first.appendToStream('a', [ev('A1')]);
    await second.appendToStream('b', [ev('B1')]);
    await first.appendToStream('a', [ev('A2')]);
    const types = (events: RecordedEvent[]): string[] => events.map((event) => event.type);
    expect(types(await first.readAll())).toEqual(['A1', 'B1', 'A2']);
    expect(types(await second.readAll())).toEqual(['A1', 'B1', 'A2']);
  });

  it("delivers the other store's appends to subscribers at the next poll", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const seen: RecordedEvent[] = [];
    const subscription = first.subscribe().subscribe((event) => seen.push(event));
    await first.appendToStream('local', [ev('Local')]);
    expect(seen.map((event) => event.type)).toEqual(['Local']);
    await second.appendToStream('remote', [ev('Remote1'), ev('Remote2')]);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(seen.map((event) => event.type)).toEqual(['Local', 'Remote1', 'Remote2']);
    await first.appendToStream('local', [ev('Local2')]);
    expect(seen.map((event) => event.type)).toEqual(['Local', 'Remote1', 'Remote2', 'Local2']);
    subscription.unsubscribe();
  });

  it("delivers another process's appends to subscribers", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const seen: RecordedEvent[] = [];
    const subscription = first.subscribe({ filter: { eventTypes: ['FromChild'] } }).subscribe((event) => seen.push(event));
    await appendFromChildProcess(path, 'child-stream', 3);
    expect(seen).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(50);
    expect(seen.map((event) => [event.streamName, event.version, event.data])).toEqual([
      ['child-stream', 1, { i: 0 }],
      ['child-stream', 2, { i: 1 }],
      ['child-stream', 3, { i: 2 }],
    ]);
    subscription.unsubscribe();
  }, 60_000);
});

/** Appends in a loop from a child process, printing each acknowledged version, until it is killed. */
function appendUntilKilled(path: string, acknowledgements: number): Promise<number[]> {
  const script = `
    const { createSqliteEventStore } = await import(${JSON.stringify(adapterEntry)});
    const store = createSqliteEventStore({ path: ${JSON.stringify(path)} });
    const metadata = { actor: 'child', correlationId: 'c', occurredAt: '2024-05-01T00:00:00.000Z' };
    for (let version = 0; ; version += 2) {
      const burst = Array.from({ length: 20 }, (_, i) => store.appendToStream('victim-' + i, [{ type: 'A', schemaVersion: 1, data: {}, metadata }]));
      const result = await store.appendToStream('victim', [1, 2].map(() => ({ type: 'Pair', schemaVersion: 1, data: { version }, metadata })), { expectedVersion: version });
      await Promise.all(burst);
      process.stdout.write(result.nextExpectedVersion + '\\n');
    }`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acknowledged: number[] = [];
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      acknowledged.push(...lines.map(Number));
      if (acknowledged.length >= acknowledgements) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(acknowledged) : reject(new Error(`child ended without being killed: ${stderr}`))));
  });
}

describe('sqlite event store: a writer killed mid-append', () => {
  it('loses no acknowledged append and leaves no half-written one', async () => {
    const path = newPath();
    const acknowledged = await appendUntilKilled(path, 40);
    const store = createSqliteEventStore({ path });
    const events = await store.readStream('victim');
    // Appends are pairs: every acknowledged one is there, and none is cut in half.
    expect(events.length).toBeGreaterThanOrEqual(Math.max(...acknowledged));
    expect(events.length % 2).toBe(0);
    expect(events.map((event) => event.version)).toEqual(events.map((_, index) => index + 1));
    await store.appendToStream('victim', [ev('AfterCrash')], { expectedVersion: events.length });
    await store.close();
  }, 60_000);
});

describe('sqlite event store: write lock held elsewhere', () => {
  it('fails an append with StoreUnavailableError after the busy timeout, and works once the lock is released', async () => {
    const path = newPath();
    const store = createSqliteEventStore({ path, busyTimeoutMs: 20 });
    await store.appendToStream('s', [ev('A')]);
    const other = new Sqlite(path);
    other.exec('BEGIN IMMEDIATE');
    const error: unknown = await store.appendToStream('s', [ev('B')], { expectedVersion: 1 }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/SQLITE_BUSY/);
    other.exec('ROLLBACK');
    other.close();
    expect(await store.appendToStream('s', [ev('B')], { expectedVersion: 1 })).toMatchObject({ nextExpectedVersion: 2 });
    await store.close();
  });
});
