import { asyncScheduler, Observable, type SchedulerAction, type SchedulerLike } from 'rxjs';
import type { Clock } from '../../clock/index.ts';

/**
 * Longest single wait. Node clamps delays above 2^31-1 ms to 1 ms (a 30-day timer fires at once), and its timers
 * are monotonic while schedules are wall-clock: waking at least once a minute bounds how late a fire can be after
 * the wall clock jumps forward, and re-reading the clock on every wake catches a jump backwards (early → wait again).
 */
export const MAX_WAIT_MS = 60_000;

/**
 * Emits once, at the first wake at which `clock.now() >= dueMs`, then completes. One scheduler action per timer,
 * rescheduled in place (no nested subscriptions however long the wait), and never synchronous: a due time in the
 * past emits on the next turn of the event loop.
 */
export function timerAt(dueMs: number, clock: Clock, maxWaitMs: number = MAX_WAIT_MS, scheduler: SchedulerLike = asyncScheduler): Observable<number> {
  return new Observable<number>((subscriber) => {
    const wait = (): number => Math.max(0, Math.min(dueMs - clock.now(), maxWaitMs));
    return scheduler.schedule(function (this: SchedulerAction<undefined>) {
      const now = clock.now();
      if (now >= dueMs) {
        subscriber.next(now);
        subscriber.complete();
      } else {
        this.schedule(undefined, wait());
      }
    }, wait());
  });
}
