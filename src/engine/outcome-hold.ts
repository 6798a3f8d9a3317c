import type { Clock } from '../clock/index.ts';
import type { WorkflowCommand } from '../workflows/index.ts';
import type { FireResult } from './trigger.ts';

/** A fire whose trigger has returned, waiting to be recorded as the nominal time's outcome. */
export interface FireOutcome {
  id: string;
  t: number;
  firedAt: number;
  manual: boolean;
  operationHandle?: string;
  disposition?: FireResult['disposition'];
  yieldedTo?: string;
  error?: string;
  /** When it was queued here (clock ms). */
  heldAt?: number;
  /** Taken by its workflow's next claim. */
  taken?: boolean;
}

/** The engine's command that records an outcome, decided at `now`. */
export const recordFired = (o: FireOutcome, now: number): WorkflowCommand => ({
  type: 'RecordFired',
  now,
  nominalTime: o.t,
  firedAt: o.firedAt,
  manual: o.manual,
  recovered: false,
  error: o.error,
  operationHandle: o.operationHandle,
  disposition: o.disposition,
  yieldedTo: o.yieldedTo,
});

/**
 * Outcomes whose workflow claims again within `holdMs` wait here for that claim, which appends them in the same
 * append (a per-second cron then costs one append per fire instead of two); `onDue` records them if the hold
 * passes first. Other outcomes go to `onDue` on the next microtask: every trigger that returned in one turn
 * together. Never before the trigger returned (only then are they added); the engine drains them on stop.
 */
export class OutcomeHold {
  private queue: FireOutcome[] = [];
  private soon: FireOutcome[] = [];
  private readonly byWorkflow = new Map<string, FireOutcome[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushQueued = false;

  constructor(
    private readonly hold: number,
    private readonly clock: Clock,
    private readonly onDue: (outcomes: FireOutcome[]) => void,
  ) {}

  get size(): number {
    return this.queue.length + this.soon.length;
  }

  get holdMs(): number {
    return this.hold;
  }

  /** `claimSoon`: the workflow's next claim comes within the hold, so the outcome may wait for it. */
  add(outcome: FireOutcome, claimSoon: boolean): void {
    outcome.heldAt = this.clock.now();
    outcome.taken = false; // a claim that took it and turned out early puts it back
    if (!claimSoon || this.hold === 0) {
      this.soon.push(outcome);
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(() => {
          this.flushQueued = false;
          this.flushSoon();
        });
      }
      return;
    }
    this.queue.push(outcome);
    const list = this.byWorkflow.get(outcome.id);
    if (list) list.push(outcome);
    else this.byWorkflow.set(outcome.id, [outcome]);
    this.timer ??= setTimeout(() => this.onTimer(), this.hold);
  }

  /** The workflow's held outcomes, for its claim to append (undefined when none). */
  take(id: string): FireOutcome[] | undefined {
    const list = this.byWorkflow.get(id);
    if (!list) return undefined;
    this.byWorkflow.delete(id);
    for (const o of list) o.taken = true;
    // byWorkflow holds exactly the untaken outcomes of the queue.
    if (this.byWorkflow.size === 0) {
      // Every held outcome went with a claim (a per-second cron's steady state): no timer is left to wake, scan
      // and slice thousands of taken outcomes at the next second's nominal instant, among that second's fires.
      this.queue = [];
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    return list;
  }

  /** Hands every held outcome to `onDue` now (stop). */
  drain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushSoon();
    this.release(Infinity, Infinity);
  }

  private flushSoon(): void {
    const out = this.soon;
    if (out.length === 0) return;
    this.soon = [];
    this.onDue(out);
  }

  private onTimer(): void {
    this.timer = undefined;
    const now = this.clock.now();
    this.release(now - this.hold, now);
    const head = this.queue[0];
    if (head) this.timer = setTimeout(() => this.onTimer(), Math.min(this.hold, Math.max(1, head.heldAt! + this.hold - now)));
  }

  /** Hands `onDue` every untaken outcome held at or before `upTo` (or after `now`: the wall clock went back). */
  private release(upTo: number, now: number): void {
    let n = 0;
    for (; n < this.queue.length; n++) {
      const at = this.queue[n]!.heldAt!;
      if (at > upTo && at <= now) break;
    }
    if (n === 0) return;
    const due = this.queue.slice(0, n);
    this.queue = n === this.queue.length ? [] : this.queue.slice(n);
    const out: FireOutcome[] = [];
    for (const o of due) {
      if (o.taken) continue;
      out.push(o);
      const list = this.byWorkflow.get(o.id);
      if (list) {
        const rest = list.filter((x) => x !== o);
        if (rest.length > 0) this.byWorkflow.set(o.id, rest);
        else this.byWorkflow.delete(o.id);
      }
    }
    if (out.length > 0) this.onDue(out);
  }
}
