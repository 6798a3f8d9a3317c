/**
 * Defect 12 of issue 11: Ctrl-C cut a 20 s refresh at once and, after the restart, stamped its end at the restart
 * (the downtime counted as its duration). A stop waits for running refreshes up to its grace period, then records
 * the ones it cuts as interrupted at the moment it cut them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDuckDbWarehouse } from '../../src/refresh/warehouse/index.ts';
import { gated, type Harness, openHarness } from './manager-harness.ts';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const HOUR = 3_600_000;
class Clock {
  constructor(public t = T0) {}
  now = (): number => this.t;
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setUp(clock: Clock) {
  const warehouse = gated(createDuckDbWarehouse());
  h = await openHarness({ storeKind: 'sqlite', warehouse, clock, retry: { maxAttempts: 3, initialBackoffMs: 0, maxBackoffMs: 0 } });
  await h.manager.executeStatement('CREATE TABLE s (v INTEGER)');
  await h.manager.executeStatement('INSERT INTO s VALUES (1), (2)');
  await h.manager.executeStatement("CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '1' DAY AS SELECT * FROM s");
  const handle = await h.manager.refreshMaterializedTable('t', true, '2026-03-02 00:00:00', {}, {}, {});
  while (warehouse.waiting() === 0) await new Promise((r) => setImmediate(r)); // the refresh is running, held at the gate
  return { warehouse, handle, harness: h };
}

describe('stopping with refreshes running', () => {
  it('waits for a running refresh within the grace period: it finishes, nothing is interrupted', async () => {
    const clock = new Clock();
    const { warehouse, handle, harness } = await setUp(clock);
    await harness.scheduler.close();
    const stopped = harness.manager.stop(10 * 60_000);
    let done = false;
    void stopped.then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false); // still waiting for the refresh
    warehouse.release();
    await stopped;
    expect(await harness.manager.getOperation(handle)).toMatchObject({ status: 'FINISHED', error: null });
  });

  it('past the grace period the refresh is cut and recorded interrupted at that time; the next process retries it', async () => {
    const clock = new Clock();
    const { warehouse, handle, harness } = await setUp(clock);
    clock.t = T0 + 20_000; // it has run 20 s when the stop comes
    await harness.scheduler.close();
    await harness.manager.stop(0);
    const cut = await harness.manager.getOperation(handle);
    expect(cut).toMatchObject({ status: 'RUNNING', nextAttemptAt: new Date(T0 + 20_000).toISOString() });
    expect(cut.error).toMatch(/interrupted because freshet stopped \(its shutdown grace period ran out\)/);

    // Started again an hour later: the attempt's end stays at the cut, not at the restart.
    clock.t = T0 + HOUR;
    warehouse.release(); // the same warehouse file, no longer held
    const next = await harness.restart({ warehouse, clock, retry: { maxAttempts: 3, initialBackoffMs: 0, maxBackoffMs: 0 } });
    h = next;
    expect(await next.manager.waitForOperation(handle)).toMatchObject({ status: 'FINISHED', attempt: 2, retryCount: 1 });
    const events = await next.store.readStream(`operation-${handle}`);
    const failed = events.find((e) => e.type === 'RefreshAttemptFailed');
    expect(failed?.data).toMatchObject({ attempt: 1, failedAt: T0 + 20_000 });
    await next.stop();
  });
});
