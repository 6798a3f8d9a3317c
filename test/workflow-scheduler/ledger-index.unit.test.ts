import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pageOf } from '../../src/api/paging.ts';
import { memoryProjectionPersistence, occurrencesFromEvents, type ProjectionPersistence, sqliteProjectionPersistence, WorkflowProjection } from '../../src/projections/index.ts';
import { WorkflowQueries } from '../../src/workflow-scheduler/index.ts';
import { createMemoryEventStore } from '../../src/events/index.ts';
import { ledgerScenario } from '../support/ledger-scenario.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

const stores: [string, () => { persistence: ProjectionPersistence; done: () => void }][] = [
  ['memory', () => ({ persistence: memoryProjectionPersistence(), done: () => undefined })],
  [
    'SQLite',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'freshet-ledger-'));
      return { persistence: sqliteProjectionPersistence(join(dir, 'projections.sqlite')), done: () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
];

describe.each(stores)('the indexed ledger (%s)', (_name, open) => {
  it('equals the whole-stream fold for every page size and cursor, across a schedule change, a suspension and manual fires', async () => {
    const store = createMemoryEventStore();
    const { id, events } = await ledgerScenario(store);
    const { persistence, done } = open();
    const projection = new WorkflowProjection(store, persistence);
    await projection.start();
    const queries = new WorkflowQueries(store, projection);
    const from = Date.parse('2026-03-02T09:00:00Z');
    const to = Date.now();
    const all = occurrencesFromEvents(events, { from, to, limit: 100_000 });
    expect(all.some((o) => o.outcome === 'skipped')).toBe(true);
    expect(all.some((o) => o.manual)).toBe(true);
    expect(await queries.occurrences(id, { from, to, limit: 100_000 })).toEqual(all);
    for (const limit of [1, 7, 60, 250, 400, 10_000]) {
      const tail = await queries.newestOccurrences(id, { from, to, limit });
      expect(tail.items, `limit ${limit}`).toEqual(all.slice(-limit));
      expect(tail.more, `limit ${limit}`).toBe(all.length > limit);
    }
    const window = await queries.newestOccurrences(id, { from: Date.parse('2026-03-02T11:00:00Z'), to: Date.parse('2026-03-02T11:40:00Z'), limit: 5 });
    expect(window.items).toEqual(all.filter((o) => o.nominalTime >= '2026-03-02T11:00:00.000Z' && o.nominalTime <= '2026-03-02T11:40:00.000Z').slice(-5));
    // Every page as the route cuts it from the whole range: walked older from the newest, and newer from the oldest.
    const key = (o: { nominalTime: string }) => Date.parse(o.nominalTime);
    for (const [order, cursor] of [['newest', 'before'], ['oldest', 'after']] as const) {
      let at: number | undefined;
      for (let pages = 0; pages < 200; pages++) {
        const q = { order, limit: 97, ...(at === undefined ? {} : { [cursor]: at }) };
        const want = pageOf(all, key, q);
        const got = await queries.ledgerPage(id, { ...q, from, to });
        expect(got, `${order} page ${pages}`).toEqual(want);
        at = order === 'newest' ? (got.older ?? undefined) : (got.newer ?? undefined);
        if (at === undefined) break;
      }
      expect(at).toBeUndefined();
    }
    const skippedOnly = await queries.ledgerPage(id, { order: 'newest', limit: 10, from, to, outcome: 'skipped' });
    expect(skippedOnly.items).toEqual(all.filter((o) => o.outcome === 'skipped').slice(-10).reverse());
    await projection.stop();
    done();
  });
});

describe('a read model without its ledger', () => {
  it('builds the ledger from the log at start: a file from before the ledger, and one whose rows were rebuilt', async () => {
    const store = createMemoryEventStore();
    const { id, events } = await ledgerScenario(store);
    const all = occurrencesFromEvents(events, { from: 0, to: Date.now(), limit: 100_000 });
    const dir = mkdtempSync(join(tmpdir(), 'freshet-ledger-'));
    const file = join(dir, 'projections.sqlite');
    const ledgerOf = async () => {
      const projection = new WorkflowProjection(store, sqliteProjectionPersistence(file));
      await projection.start();
      const got = await new WorkflowQueries(store, projection).occurrences(id, { from: 0, to: Date.now(), limit: 100_000 });
      await projection.stop();
      return got;
    };
    expect(await ledgerOf()).toEqual(all);
    // As a freshet from before the ledger left it: rows and checkpoint, no ledger tables.
    const db = new Sqlite(file);
    db.exec("DROP TABLE occurrence_rows; DROP TABLE skipped_ranges; DROP TABLE workflow_commands; DELETE FROM projection_checkpoint WHERE name = 'occurrences'");
    db.close();
    expect(await ledgerOf()).toEqual(all);
    // replay --rebuild replaces the rows and empties the ledger.
    const persistence = sqliteProjectionPersistence(file);
    const loaded = await persistence.load();
    await persistence.replace(loaded.checkpoint, loaded.rows);
    expect((await persistence.load()).ledgerPosition).toBe(0);
    await persistence.close();
    expect(await ledgerOf()).toEqual(all);
    rmSync(dir, { recursive: true, force: true });
  });
});
