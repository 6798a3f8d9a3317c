import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Subscription } from 'rxjs';
import type { Clock } from '../../clock/index.ts';
import type { EventStore, RecordedEvent } from '../../events/index.ts';
import type { FiredData } from '../../workflows/index.ts';
import { asOperationEvent, type OperationEvent } from '../../refresh/index.ts';
import { tableSeries, type TableSource } from './table-series.ts';

const LATENESS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];
const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsSources {
  store: EventStore;
  /** Position the WorkflowInfo read model has applied; its distance to the head is the subscription lag. */
  projectionPosition: () => number;
  sseStreams: () => number;
  /** Materialized tables, for the per-table series (staleness, last success, failures); none when absent. */
  tables?: TableSource;
  clock?: Clock;
  /** A scheduled fire later than this is a catch-up (replayed after downtime or a suspension); default 60 s. */
  misfireThresholdMs?: number;
}

/**
 * freshet's Prometheus metrics, on prom-client (process and Node metrics included). Fires and their lateness are read
 * from the log (each OccurrenceFired carries its nominal and actual time), so they count every engine writing to the
 * store and need no hook into the engine. One registry per server, so two servers in one process do not mix.
 */
export class FreshetMetrics {
  readonly registry = new Registry();
  private readonly on = { registers: [this.registry] };
  readonly appends = new Counter({ name: 'freshet_events_appended_total', help: 'Events appended to the log since this process started, by type.', labelNames: ['type'], ...this.on });
  readonly fires = new Counter({ name: 'freshet_fires_total', help: 'Workflow fires, by kind (scheduled|manual|catch-up) and result (ok|error).', labelNames: ['kind', 'result'], ...this.on });
  readonly catchUpFires = new Counter({ name: 'freshet_catch_up_fires_total', help: 'Fires of missed times replayed after downtime or a resume; not in the lateness histogram.', ...this.on });
  readonly lateness = new Histogram({ name: 'freshet_fire_lateness_seconds', help: 'Time between a scheduled nominal fire time and the trigger call (catch-up fires excluded).', buckets: LATENESS_BUCKETS, ...this.on });
  readonly refreshDuration = new Histogram({ name: 'freshet_refresh_duration_seconds', help: 'Duration of materialized-table refreshes (first attempt start to end), by table and result.', labelNames: ['table', 'result'], buckets: DURATION_BUCKETS, ...this.on });
  readonly refreshFailures = new Counter({ name: 'freshet_refresh_failures_total', help: 'Refreshes that ended in error or timed out, by table and result.', labelNames: ['table', 'result'], ...this.on });
  readonly requests = new Counter({ name: 'freshet_http_requests_total', help: 'HTTP requests answered, by method, route and status.', labelNames: ['method', 'route', 'status'], ...this.on });
  readonly requestDuration = new Histogram({ name: 'freshet_http_request_duration_seconds', help: 'HTTP request latency, by method, route and status.', labelNames: ['method', 'route', 'status'], buckets: HTTP_BUCKETS, ...this.on });
  private subscription?: Subscription;
  private lastSeen = 0;
  /** First-attempt start and table of each refresh running since this process started following the log. */
  private readonly started = new Map<string, number>();

  constructor(private readonly sources: MetricsSources) {
    collectDefaultMetrics({ register: this.registry });
    const head = async (): Promise<number> => sources.store.headPosition();
    const gauge = (name: string, help: string, value: () => Promise<number> | number) =>
      new Gauge({ name, help, ...this.on, async collect() { this.set(await value()); } });
    gauge('freshet_log_head_position', 'Global position of the newest event in the log.', head);
    gauge('freshet_projection_lag_positions', 'Log positions the WorkflowInfo read model has not applied yet.', async () => Math.max(0, (await head()) - sources.projectionPosition()));
    gauge('freshet_metrics_subscription_lag_positions', 'Log positions the metrics subscription has not seen yet.', async () => Math.max(0, (await head()) - this.lastSeen));
    gauge('freshet_sse_streams', 'Open /v1/events/stream subscriptions.', () => sources.sseStreams());
    if (sources.tables) tableSeries(this.registry, sources.tables, sources.clock ?? { now: () => Date.now() });
  }

  /** The Prometheus text (format 0.0.4) and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  /** Follows the log from its current head (counters start at zero with the process, as Prometheus expects). */
  async start(): Promise<void> {
    this.lastSeen = await this.sources.store.headPosition();
    this.subscription = this.sources.store.subscribe({ after: this.lastSeen }).subscribe({
      next: (e) => this.observe(e),
      error: () => undefined, // readiness reports a store outage; metrics simply stop moving
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  private observe(e: RecordedEvent): void {
    this.lastSeen = e.position;
    this.appends.inc({ type: e.type });
    const op = asOperationEvent(e);
    if (op) this.observeOperation(op);
    if (e.type !== 'OccurrenceFired') return;
    const fired = e.data as FiredData;
    const lateMs = Math.max(0, fired.firedAt - fired.nominalTime);
    const kind = fired.manual ? 'manual' : fired.recovered || lateMs > (this.sources.misfireThresholdMs ?? 60_000) ? 'catch-up' : 'scheduled';
    this.fires.inc({ kind, result: fired.error === undefined ? 'ok' : 'error' });
    // A manual fire's nominal time is its request time, and a catch-up fire is late by design (downtime, a
    // suspension): only on-time scheduled fires say how precise the timer is.
    if (kind === 'catch-up') this.catchUpFires.inc();
    if (kind === 'scheduled') this.lateness.observe(lateMs / 1000);
  }

  /** Refresh durations run from the first attempt's start to the end, as the manager reports them. */
  private observeOperation(op: OperationEvent): void {
    const handle = op.data.operationHandle;
    if (op.type === 'RefreshAttemptStarted') {
      if (!this.started.has(handle)) this.started.set(handle, op.data.startedAt);
      return;
    }
    const end = op.type === 'RefreshFinished' ? op.data.finishedAt : op.type === 'RefreshFailed' || op.type === 'RefreshTimedOut' ? op.data.failedAt : undefined;
    if (end === undefined) {
      if (op.type === 'RefreshCanceled') this.started.delete(handle);
      return;
    }
    const start = this.started.get(handle);
    this.started.delete(handle);
    const result = op.type === 'RefreshFinished' ? 'ok' : op.type === 'RefreshFailed' ? 'error' : 'timeout';
    const table = op.data.table;
    if (start !== undefined) this.refreshDuration.observe({ table, result }, Math.max(0, end - start) / 1000);
    if (result !== 'ok') this.refreshFailures.inc({ table, result });
  }
}
