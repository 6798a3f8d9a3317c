import { Subscription } from 'rxjs';
import { decide, evolve, scheduleOfSpec, type WorkflowCommand, type WorkflowEvent, type WorkflowState } from '../workflows/index.ts';
import type { LiveWorkflows } from './live-workflows.ts';
import { ENGINE_META } from './own-append.ts';
import { formatScheduleTime } from './format-time.ts';
import type { ClaimLead } from './claim-lead.ts';
import type { LiveWorkflow } from './live.ts';
import { type FireOutcome, OutcomeHold, recordFired } from './outcome-hold.ts';
import type { FireResult, RefreshTrigger } from './trigger.ts';

/** The fire timer of a claim whose trigger was invoked and whose outcome is not applied yet. */
export const FIRED: Subscription = Subscription.EMPTY;

/**
 * The moment of truth and what follows it: invoking the trigger for a claimed fire, then recording its outcome —
 * held for the workflow's next claim when that comes soon (one append per fire), otherwise on its own. Split from
 * the engine so the fire loop, run for thousands of workflows back to back, stays small enough to read.
 */
export class FirePath {
  readonly hold: OutcomeHold;
  /** Triggers invoked whose outcome is not queued yet; stop() waits for them. */
  private firing = 0;
  private onSettled?: () => void;

  constructor(
    private readonly workflows: LiveWorkflows,
    private readonly trigger: RefreshTrigger,
    holdMs: number,
    /** The claim lead: whether the workflow's next claim comes soon enough to take this fire's outcome. */
    private readonly lead: ClaimLead,
  ) {
    this.hold = new OutcomeHold(holdMs, workflows.clock, (outcomes) => this.recordOutcomes(outcomes));
  }

  get inFlight(): number {
    return this.firing;
  }

  /** Invokes the trigger for one of this engine's claims. Kept lean: a wheel bucket runs thousands back to back. */
  fire(id: string, t: number): void {
    const live = this.workflows.get(id);
    const claim = live?.state.pending.find((p) => p.t === t && p.by === this.workflows.engineId);
    if (!live || !claim || !this.workflows.running) {
      live?.fireTimers?.delete(t);
      return;
    }
    // Until its outcome is applied the claim stays pending: the marker stops the engine from arming it again when
    // another append to the stream (the next claim) lands first.
    live.fireTimers?.set(t, FIRED);
    const def = live.state.def;
    const manual = claim.manual === true;
    const invokedAt = performance.timeOrigin + performance.now();
    const firedAt = this.workflows.clock.now();
    let done: Promise<FireResult | void>;
    try {
      done = this.trigger.fire({
        workflowId: id,
        workflowName: def.workflowName,
        workflowGroup: def.workflowGroup,
        tableIdentifier: def.tableIdentifier,
        scheduleTime: t,
        scheduleTimeText: formatScheduleTime(t, def.timeZone),
        timeZone: def.timeZone,
        dynamicOptions: def.dynamicOptions,
        executionConfig: def.executionConfig,
        initConfig: def.initConfig,
        restEndpointUrl: def.restEndpointUrl ?? '',
        manual,
      });
    } catch (err) {
      done = Promise.reject(err);
    }
    this.firing++;
    done.then(
      (result) => this.fired({ id, t, firedAt, manual, operationHandle: result?.operationHandle, disposition: result?.disposition, yieldedTo: result?.yieldedTo }),
      (err: unknown) => this.fired({ id, t, firedAt, manual, error: err instanceof Error ? err.message : String(err) }),
    );
    if (this.workflows.lifecycle.observed) this.workflows.lifecycle.emit({ type: 'fired', workflowId: id, nominalTime: t, invokedAt, manual });
  }

  /** Arms a timer for each of this engine's claims; cancels timers whose claim was settled otherwise. */
  sync(live: LiveWorkflow): void {
    const { engineId, wheel } = this.workflows;
    const pending = live.state.pending;
    if (live.fireTimers) {
      for (const [t, sub] of live.fireTimers) {
        if (!pending.some((p) => p.t === t && p.by === engineId)) {
          sub.unsubscribe();
          live.fireTimers.delete(t);
        }
      }
    }
    if (this.workflows.running) {
      for (const { t, by } of pending) {
        if (by !== engineId || live.fireTimers?.has(t)) continue;
        live.fireTimers ??= new Map();
        const sub = wheel.at(t, () => this.fire(live.id, t));
        if (!sub.closed) live.fireTimers.set(t, sub);
      }
    }
    if (live.fireTimers?.size === 0) live.fireTimers = undefined;
  }

  /** Cancels the workflow's fire timers (delete, stop). */
  disarm(live: LiveWorkflow): void {
    if (!live.fireTimers) return;
    for (const sub of live.fireTimers.values()) sub.unsubscribe();
    live.fireTimers = undefined;
  }

  /** Resolves when every trigger invoked so far has returned. */
  settled(): Promise<void> {
    return this.firing === 0 ? Promise.resolve() : new Promise((resolve) => (this.onSettled = resolve));
  }

  /** A trigger returned: its outcome is held for the workflow's next claim (see OutcomeHold). */
  private fired(outcome: FireOutcome): void {
    const live = this.workflows.get(outcome.id);
    let claimSoon = false;
    if (live && this.workflows.active(live) && !outcome.manual) {
      const next = scheduleOfSpec(live.state.def).nextAfter(live.state.cursor);
      claimSoon = next !== null && next - this.lead.ms <= this.workflows.clock.now() + this.hold.holdMs;
    }
    this.hold.add(outcome, claimSoon);
    if (--this.firing === 0 && this.onSettled) {
      const settled = this.onSettled;
      this.onSettled = undefined;
      settled();
    }
  }

  /**
   * Records outcomes no claim took, one OccurrenceFired per fire, after their triggers returned (never before):
   * one pass, so the appends share a group commit. stop() drains the hold into it, so no outcome is left behind.
   */
  private recordOutcomes(batch: FireOutcome[]): void {
    const workflows = this.workflows;
    const now = workflows.clock.now();
    const metadata = workflows.passMetadata(now);
    // A workflow that fired several times (catching up) gets one append with all its outcomes.
    const decided = new Map<string, { live: LiveWorkflow; state: WorkflowState | undefined; events: WorkflowEvent[] }>();
    for (const o of batch) {
      const build = (at: number): WorkflowCommand => recordFired(o, at);
      try {
        const live = workflows.get(o.id);
        if (!live || workflows.busy(o.id)) {
          workflows.execute(o.id, o.id, build, ENGINE_META).catch((err) => workflows.report(err, `record fire ${o.id}`));
          continue;
        }
        let d = decided.get(o.id);
        if (!d) decided.set(o.id, (d = { live, state: live.state, events: [] }));
        for (const e of decide(build(now), d.state, o.id)) {
          d.events.push(e);
          d.state = evolve(d.state, e, metadata);
        }
      } catch (err) {
        workflows.report(err, `record fire ${o.id}`);
      }
    }
    for (const [id, { live, state, events }] of decided) {
      if (events.length === 0) continue;
      // On a conflict each outcome is decided again on the fresh stream (one that was settled meanwhile is a no-op).
      const retry = async (): Promise<void> => {
        for (const o of batch) {
          if (o.id !== id) continue;
          await workflows.run(id, id, (at) => recordFired(o, at), ENGINE_META);
        }
      };
      void workflows.appendDecided(live, events, state, metadata, retry);
    }
    workflows.endPass();
  }
}
