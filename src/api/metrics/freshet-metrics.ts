import type { Subscription } from 'rxjs';
import type { EventStore, RecordedEvent } from '../../events/index.ts';
import type { FiredData } from '../../workflows/index.ts';
import { asOperationEvent, type OperationEvent } from '../../refresh/index.ts';
import { Counter, Gauge, Histogram, Registry } from './registry.ts';

const LATENESS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];
const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

export interface MetricsSources {
  store: EventStore;
  /** Position the WorkflowInfo read model has applied; its distance to the head is the subscription lag. */
  projectionPosition: () => number;
  sseStreams: () => number;
}

/**
 * freshet's Prometheus metrics. Fires and their lateness are read from the log (each OccurrenceFired carries its
 * nominal and actual time), so they count every engine writing to the store and need no hook into the engine.
 */
export class FreshetMetrics {
  readonly registry = new Registry();
  readonly appends = this.registry.add(new Counter('freshet_events_appended_total', 'Events appended to the log since this process started, by type.'));
  readonly fires = this.registry.add(new Counter('freshet_fires_total', 'Workflow fires, by kind (scheduled|manual) and result (ok|error).'));
  readonly lateness = this.registry.add(new Histogram('freshet_fire_lateness_seconds', 'Time between a nominal fire time and the trigger call.', LATENESS_BUCKETS));
  readonly refreshDuration = this.registry.add(new Histogram('freshet_refresh_duration_seconds', 'Duration of materialized-table refreshes (first attempt start to end), by result.', DURATION_BUCKETS));
  readonly refreshFailures = this.registry.add(new Counter('freshet_refresh_failures_total', 'Refreshes that ended in error or timed out, by result.'));
  readonly requests = this.registry.add(new Counter('freshet_http_requests_total', 'HTTP requests answered, by method, route and status.'));
  private subscription?: Subscription;
  private lastSeen = 0;
  /** First-attempt start of each refresh running since this process started following the log. */
  private readonly started = new Map<string, number>();

  constructor(private readonly sources: MetricsSources) {
    const head = async (): Promise<number> => sources.store.headPosition();
    this.registry.add(new Gauge('freshet_log_head_position', 'Global position of the newest event in the log.', head));
    this.registry.add(new Gauge('freshet_projection_lag_positions', 'Log positions the WorkflowInfo read model has not applied yet.', async () => Math.max(0, (await head()) - sources.projectionPosition())));
    this.registry.add(new Gauge('freshet_metrics_subscription_lag_positions', 'Log positions the metrics subscription has not seen yet.', async () => Math.max(0, (await head()) - this.lastSeen)));
    this.registry.add(new Gauge('freshet_sse_streams', 'Open /v1/events/stream subscriptions.', () => sources.sseStreams()));
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
    this.fires.inc({ kind: fired.manual ? 'manual' : 'scheduled', result: fired.error === undefined ? 'ok' : 'error' });
    // A manual fire's nominal time is its request time; only scheduled fires can be late.
    if (!fired.manual) this.lateness.observe(Math.max(0, fired.firedAt - fired.nominalTime) / 1000);
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
    if (start !== undefined) this.refreshDuration.observe(Math.max(0, end - start) / 1000, { result });
    if (result !== 'ok') this.refreshFailures.inc({ result });
  }
}
