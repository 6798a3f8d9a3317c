import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveHistory, retentionOf } from '../../src/archive/index.ts';
import { createSqliteEventStore } from '../../src/events/index.ts';
import { openFreshet } from '../../src/runtime/index.ts';
import { ManualClock } from '../api/support/api-harness.ts';
import { tableOf, VirtualClock, workflowOf } from '../../bench/support/steady-workload.ts';
import { DAY, DAYS, HOUR, type History, T0, writeHistory } from './archive-support.ts';

const END = T0 + DAYS * DAY + 60_000;
let h: History;

/** What a user of the running freshet sees of workflow 1 and its table: WorkflowInfo, the ledger, refresh status and history. */
async function seen(dir: string) {
  const runtime = await openFreshet({ dataDir: dir, timeZone: 'UTC', clock: new ManualClock(END), engine: 'deferred' });
  try {
    const id = workflowOf(1);
    await runtime.scheduler.projection.waitFor(await runtime.store.headPosition());
    const { version: _version, ...info } = runtime.scheduler.queries.get(id);
    return {
      info,
      ledger: await runtime.scheduler.queries.occurrences(id, { from: T0, to: END, limit: 1000 }),
      status: await runtime.tables.getRefreshStatus(tableOf(1)),
      history: await runtime.tables.getRefreshHistory(tableOf(1)),
      // An archived instant: explained from the ledger's row, the stream read over the archived range does not fail.
      explained: (await runtime.scheduler.queries.explain(id, T0 + 5 * HOUR)).outcome,
      failing: await runtime.tables.getRefreshStatus(tableOf(2)),
    };
  } finally {
    await runtime.close();
  }
}

beforeAll(async () => {
  h = await writeHistory();
  await h.store.close();
}, 120_000);
afterAll(() => {
  if (h) rmSync(h.dir, { recursive: true, force: true });
});

describe('freshet after archiving', () => {
  it('answers as before, with its read models kept and with them rebuilt (replay --rebuild drops both files)', async () => {
    const before = await seen(h.dir);
    expect(before.ledger).toHaveLength(DAYS * 24);
    expect(before.history.length).toBe(DAYS * 24);
    expect(before.failing.consecutiveFailures).toBe(3);
    const store = createSqliteEventStore({ path: h.path, clock: new VirtualClock(END), writer: 'inline' });
    try {
      const result = await archiveHistory({ store, dataDir: h.dir, clock: { now: () => END }, retention: retentionOf('7d'), logName: h.path, context: { actor: 'carol', correlationId: 'c-1' } });
      expect(result.removed).toBeGreaterThan(800);
    } finally {
      await store.close();
    }
    expect(await seen(h.dir)).toEqual(before);
    for (const file of ['projections.sqlite', 'refresh.sqlite']) for (const suffix of ['', '-wal', '-shm']) rmSync(join(h.dir, `${file}${suffix}`), { force: true });
    expect(await seen(h.dir)).toEqual(before);
  });
});
