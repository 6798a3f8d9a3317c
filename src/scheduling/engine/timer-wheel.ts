import { type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs';

/**
 * An RxJS scheduler that groups actions by their due millisecond: one Node timer per distinct due time, however
 * many workflows wait for it. 10,000 workflows on one cron then wake in one tight loop at the due instant,
 * instead of 10,000 timers whose callbacks interleave with the store's commits and drift late.
 */
export class TimerWheel implements SchedulerLike {
  private readonly buckets = new Map<number, Set<WheelAction<unknown>>>();
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();

  /**
   * The wheel places Node timers, which run on the process clock, so it measures delays on that clock; whether a
   * wait is over is decided by scheduleAt against the injected Clock (which re-arms when woken early).
   */
  now(): number {
    return Date.now();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state: T) => void, delay = 0, state?: T): Subscription {
    return new WheelAction<T>(this, work).schedule(state, delay);
  }

  /** @internal */
  add(action: WheelAction<unknown>): void {
    let bucket = this.buckets.get(action.due);
    if (!bucket) {
      bucket = new Set();
      this.buckets.set(action.due, bucket);
      const due = action.due;
      // Delays are capped by the callers (timerAt waits at most a minute), so no 2^31-1 ms clamp can bite here.
      this.timers.set(due, setTimeout(() => this.flush(due), Math.max(0, due - Date.now())));
    }
    bucket.add(action);
  }

  /** @internal */
  remove(action: WheelAction<unknown>): void {
    const bucket = this.buckets.get(action.due);
    if (!bucket?.delete(action) || bucket.size > 0) return;
    this.buckets.delete(action.due);
    clearTimeout(this.timers.get(action.due));
    this.timers.delete(action.due);
  }

  private flush(due: number): void {
    const bucket = this.buckets.get(due);
    this.buckets.delete(due);
    this.timers.delete(due);
    if (!bucket) return;
    for (const action of bucket) action.run();
  }
}

class WheelAction<T> extends Subscription implements SchedulerAction<T> {
  due = 0;
  private state?: T;
  private queued = false;

  constructor(
    private readonly wheel: TimerWheel,
    private readonly work: (this: SchedulerAction<T>, state: T) => void,
  ) {
    super();
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    if (this.queued) this.wheel.remove(this as WheelAction<unknown>);
    this.state = state;
    this.due = Date.now() + Math.max(0, delay);
    this.queued = true;
    this.wheel.add(this as WheelAction<unknown>);
    return this;
  }

  /** @internal */
  run(): void {
    if (this.closed) return;
    this.queued = false;
    this.work.call(this, this.state as T);
    if (!this.queued) this.unsubscribe();
  }

  override unsubscribe(): void {
    if (this.closed) return;
    if (this.queued) this.wheel.remove(this as WheelAction<unknown>);
    this.queued = false;
    super.unsubscribe();
  }
}
