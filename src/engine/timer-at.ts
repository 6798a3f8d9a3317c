import { asyncScheduler, Observable, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import type { Clock } from '../clock/index.ts';

/**
 * Longest single wait. Node clamps delays above 2^31-1 ms to 1 ms (a 30-day timer fires at once), and its timers
 * are monotonic while schedules are wall-clock: waking at least once a minute bounds how late a fire can be after
 * the wall clock jumps forward, and re-reading the clock on every wake catches a jump backwards (early → wait again).
 */
export const MAX_WAIT_MS = 60_000;

/**
 * Calls `onDue` at the first wake at which `clock.now() >= dueMs`. One RxJS scheduler action, rescheduled in place
 * however long the wait; never synchronous (a due time in the past runs on a later turn). The returned
 * subscription cancels it. This is the engine's per-workflow timer: it costs one action, not a subscriber chain.
 */
export function scheduleAt(
  dueMs: number,
  clock: Clock,
  onDue: (now: number) => void,
  maxWaitMs: number = MAX_WAIT_MS,
  scheduler: SchedulerLike = asyncScheduler,
): Subscription {
  const wait = (): number => Math.max(0, Math.min(dueMs - clock.now(), maxWaitMs));
  return scheduler.schedule(function (this: SchedulerAction<undefined>) {
    const now = clock.now();
    if (now >= dueMs) onDue(now);
    else this.schedule(undefined, wait());
  }, wait());
}

/** The same wait as an RxJS stream: emits once, when `clock.now() >= dueMs`, then completes. */
export function timerAt(dueMs: number, clock: Clock, maxWaitMs: number = MAX_WAIT_MS, scheduler: SchedulerLike = asyncScheduler): Observable<number> {
  return new Observable<number>((subscriber) =>
    scheduleAt(
      dueMs,
      clock,
      (now) => {
        subscriber.next(now);
        subscriber.complete();
      },
      maxWaitMs,
      scheduler,
    ),
  );
}
