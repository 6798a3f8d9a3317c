import { type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs';
import type { Clock } from '../clock/index.ts';
import { MAX_WAIT_MS } from './timer-at.ts';

interface Bucket {
  readonly actions: Set<WheelAction<unknown>>;
  timer: ReturnType<typeof setTimeout> | undefined;
  poll: ReturnType<typeof setImmediate> | undefined;
}

/**
 * A Node timer wakes up to ~2 ms after its delay (millisecond granularity, the loop's cached time), so a bucket's
 * timer is set this much early and the last stretch is polled with setImmediate: the bucket then runs within a
 * loop turn of its instant, while I/O and other callbacks still run in between. Cron instants are whole seconds,
 * so a few buckets a second poll for at most this long.
 */
const EARLY_MS = 2;

/**
 * An RxJS scheduler that groups actions by their due instant on the injected clock: one Node timer per distinct
 * due millisecond, however many workflows wait for it. 10,000 workflows on one cron then wake in one tight loop
 * at the due instant, instead of 10,000 timers whose callbacks interleave with other work and drift late.
 *
 * Due instants are absolute (`at`): a delay measured against a second reading of the clock could land a few
 * actions one millisecond later, in a bucket of their own that runs after whatever else the loop does in between.
 * Node timers are monotonic and clamp delays above 2^31-1 ms to 1 ms, so a bucket waits at most `maxWaitMs` at a
 * time and is re-armed whenever it wakes before its instant (a long wait, or a clock set back).
 */
export class TimerWheel implements SchedulerLike {
  private readonly buckets = new Map<number, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly maxWaitMs: number = MAX_WAIT_MS,
  ) {}

  now(): number {
    return this.clock.now();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state: T) => void, delay = 0, state?: T): Subscription {
    return new WheelAction<T>(this, work).schedule(state, delay);
  }

  /** Runs `work` at the first wake at which the clock reads `dueMs` or later; never synchronously. */
  at(dueMs: number, work: () => void): Subscription {
    return new WheelAction<undefined>(this, work).scheduleAt(dueMs);
  }

  /** @internal */
  add(action: WheelAction<unknown>): void {
    let bucket = this.buckets.get(action.due);
    if (!bucket) {
      bucket = { actions: new Set(), timer: undefined, poll: undefined };
      this.buckets.set(action.due, bucket);
      this.arm(action.due, bucket);
    }
    bucket.actions.add(action);
  }

  /** @internal */
  remove(action: WheelAction<unknown>): void {
    const bucket = this.buckets.get(action.due);
    if (!bucket?.actions.delete(action) || bucket.actions.size > 0) return;
    this.buckets.delete(action.due);
    clearTimeout(bucket.timer);
    clearImmediate(bucket.poll);
  }

  private arm(due: number, bucket: Bucket): void {
    const wait = Math.max(0, Math.min(due - EARLY_MS - this.clock.now(), this.maxWaitMs));
    bucket.timer = setTimeout(() => this.wake(due, bucket), wait);
  }

  private wake(due: number, bucket: Bucket): void {
    bucket.timer = bucket.poll = undefined;
    if (this.buckets.get(due) !== bucket) return;
    const left = due - this.clock.now();
    if (left > EARLY_MS) this.arm(due, bucket);
    else if (left > 0) bucket.poll = setImmediate(() => this.wake(due, bucket));
    if (left > 0) return;
    this.buckets.delete(due);
    for (const action of bucket.actions) action.run();
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
    this.state = state;
    return this.scheduleAt(this.wheel.now() + Math.max(0, delay));
  }

  scheduleAt(dueMs: number): Subscription {
    if (this.closed) return this;
    if (this.queued) this.wheel.remove(this as WheelAction<unknown>);
    this.due = Math.ceil(dueMs);
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
