import { defer, type Observable, of, switchMap, timer } from 'rxjs';
import type { Clock } from '../../clock/index.ts';

/**
 * Longest single wait. Node clamps delays above 2^31-1 ms to 1 ms (a 30-day timer fires at once), and its timers
 * are monotonic while schedules are wall-clock: waking at least once a minute bounds how late a fire can be after
 * the wall clock jumps forward, and re-reading the clock on every wake catches a jump backwards (early → wait again).
 */
export const MAX_WAIT_MS = 60_000;

/** Emits once, at the first wake at which `clock.now() >= dueMs`, then completes. */
export function timerAt(dueMs: number, clock: Clock, maxWaitMs: number = MAX_WAIT_MS): Observable<number> {
  return defer(() => {
    const now = clock.now();
    const left = dueMs - now;
    if (left <= 0) return of(now);
    return timer(Math.min(left, maxWaitMs)).pipe(switchMap(() => timerAt(dueMs, clock, maxWaitMs)));
  });
}
