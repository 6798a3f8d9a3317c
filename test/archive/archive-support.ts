import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteEventStore, type EventStore } from '../../src/events/index.ts';
import { SteadyWorkload, VirtualClock } from '../../bench/support/steady-workload.ts';

export const T0 = Date.parse('2026-03-01T00:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const DAYS = 10;

export interface History {
  dir: string;
  path: string;
  clock: VirtualClock;
  store: EventStore;
}

/**
 * Ten virtual days of hourly refreshes of three workflows in a real SQLite file: workflow 0 is suspended and
 * resumed on day 2 (commands, older than a 7-day retention); workflow 2 fired only in its first 36 hours, its last
 * three fires failed (so its state leans on old events: three failures in a row).
 */
export async function writeHistory(): Promise<History> {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-archive-'));
  const path = join(dir, 'events.sqlite');
  const clock = new VirtualClock(T0);
  const store = createSqliteEventStore({ path, clock, writer: 'inline', durability: 'relaxed' });
  const w = new SteadyWorkload(store, clock, 3, '0 0 * * * ? *');
  await w.create(T0);
  for (let h = 1; h <= DAYS * 24; h++) {
    const t = T0 + h * HOUR;
    if (h === 48) await w.command(0, 'WorkflowSuspended', t - 600_000);
    if (h === 50) await w.command(0, 'WorkflowResumed', t - 600_000);
    await w.tick(t, h >= 48 && h < 50 ? [1] : [0, 1]);
    if (h <= 36) await w.tick(t, [2], h > 33 ? 'connection refused' : undefined);
  }
  clock.t = T0 + DAYS * DAY + 60_000;
  return { dir, path, clock, store };
}
