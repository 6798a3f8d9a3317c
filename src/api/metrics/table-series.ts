import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../../clock/index.ts';

/** What the per-table series read at each scrape: the manager's table views. */
export type TableSource = () => Promise<
  {
    definition: { identifier: string; freshness: { interval: number; unit: string } };
    refresh: { lastSuccessfulRefresh: string | null; consecutiveFailures: number };
    lag: { stalenessMs: number | null; behind: boolean };
  }[]
>;

const UNIT_SECONDS: Record<string, number> = { SECOND: 1, MINUTE: 60, HOUR: 3600, DAY: 86_400 };

/**
 * Per-table gauges, read from the tables at scrape time (so they hold across restarts, unlike counters): staleness
 * beside the freshness it should stay within, the last success time and the consecutive failures.
 */
export function tableSeries(registry: Registry, tables: TableSource, clock: Clock): void {
  const labelNames = ['table'] as const;
  const on = { registers: [registry], labelNames };
  const perTable = (name: string, help: string, value: (t: Awaited<ReturnType<TableSource>>[number]) => number | null) =>
    new Gauge({
      name, help, ...on,
      async collect() {
        this.reset(); // a dropped table's series goes away
        for (const t of await tables()) {
          const v = value(t);
          if (v !== null) this.set({ table: t.definition.identifier }, v);
        }
      },
    });
  const lastSuccess = (t: Awaited<ReturnType<TableSource>>[number]) => (t.refresh.lastSuccessfulRefresh ? Date.parse(t.refresh.lastSuccessfulRefresh) : null);
  perTable('freshet_table_freshness_seconds', 'The freshness the table is declared to keep (FRESHNESS = INTERVAL …).', (t) => t.definition.freshness.interval * (UNIT_SECONDS[t.definition.freshness.unit] ?? 1));
  perTable('freshet_table_staleness_seconds', 'Seconds since the last successful refresh; compare with freshet_table_freshness_seconds.', (t) => {
    const at = lastSuccess(t);
    return at === null ? null : Math.max(0, clock.now() - at) / 1000;
  });
  perTable('freshet_table_last_success_timestamp_seconds', 'When the last successful refresh ended (Unix seconds).', (t) => {
    const at = lastSuccess(t);
    return at === null ? null : at / 1000;
  });
  perTable('freshet_table_data_age_seconds', 'Age of the table\'s data: since its newest successful refresh began reading its sources (the lag of `describe`).', (t) =>
    t.lag.stalenessMs === null ? null : t.lag.stalenessMs / 1000,
  );
  perTable('freshet_table_behind_freshness', '1 when the data is older than twice the declared freshness (a refresh is missing; never refreshed: twice the freshness since creation), else 0.', (t) => (t.lag.behind ? 1 : 0));
  perTable('freshet_table_consecutive_failures', 'Refreshes failed in a row since the last success.', (t) => t.refresh.consecutiveFailures);
}
