import { Subscription } from 'rxjs';
import { decide, evolve, scheduleOf, type WorkflowCommand, type WorkflowEvent, type WorkflowState } from '../workflows/index.ts';
import { ENGINE_META, type EngineHost } from './engine-host.ts';
import { formatScheduleTime } from './format-time.ts';
import type { EngineLifecycle } from './lifecycle.ts';
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
    private readonly host: EngineHost,
    private readonly trigger: RefreshTrigger,
    holdMs: number,
    private readonly lifecycle: EngineLifecycle,
  ) {
    this.hold = new OutcomeHold(holdMs, host.clock, (outcomes) => this.recordOutcomes(outcomes));
  }

  get inFlight(): number {
    return this.firing;
  }

  /** Invokes the trigger for one of this engine's claims. Kept lean: a wheel bucket runs thousands back to back. */
  fire(id: string, t: number): void {
    const live = this.host.liveOf(id);
    const claim = live?.state.pending.find((p) => p.t === t && p.by === this.host.engineId);
    if (!live || !claim || !this.host.isRunning()) {
      live?.fireTimers?.delete(t);
      return;
    }
    // Until its outcome is applied the claim stays pending: the marker stops the engine from arming it again when
    // another append to the stream (the next claim) lands first.
    live.fireTimers?.set(t, FIRED);
    const def = live.state.def;
    const manual = claim.manual === true;
    const invokedAt = performance.timeOrigin + performance.now();
    const firedAt = this.host.clock.now();
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
        manual,
      });
    } catch (err) {
      done = Promise.reject(err);
    }
    this.firing++;
    done.then(
      (result) => this.fired({ id, t, firedAt, manual, operationHandle: result?.operationHandle, disposition: result?.disposition }),
      (err: unknown) => this.fired({ id, t, firedAt, manual, error: err instanceof Error ? err.message : String(err) }),
    );
    if (this.lifecycle.observed) this.lifecycle.emit({ type: 'fired', workflowId: id, nominalTime: t, invokedAt, manual });
  }

  /** Resolves when every trigger invoked so far has returned. */
  settled(): Promise<void> {
    return this.firing === 0 ? Promise.resolve() : new Promise((resolve) => (this.onSettled = resolve));
  }

  /** A trigger returned: its outcome is held for the workflow's next claim (see OutcomeHold). */
  private fired(outcome: FireOutcome): void {
    const live = this.host.liveOf(outcome.id);
    let claimSoon = false;
    if (live && live.state.status === 'active' && !outcome.manual) {
      const { cronExpression, timeZone } = live.state.def;
      const next = scheduleOf(cronExpression, timeZone).nextAfter(live.state.cursor);
      claimSoon = next !== null && next - this.host.claimLeadMs() <= this.host.clock.now() + this.hold.holdMs;
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
    const host = this.host;
    const now = host.clock.now();
    const metadata = host.passMetadata(now);
    // A workflow that fired several times (catching up) gets one append with all its outcomes.
    const decided = new Map<string, { live: LiveWorkflow; state: WorkflowState | undefined; events: WorkflowEvent[] }>();
    for (const o of batch) {
      const build = (at: number): WorkflowCommand => recordFired(o, at);
      try {
        const live = host.liveOf(o.id);
        if (!live || host.isBusy(o.id)) {
          host.execute(o.id, o.id, build, ENGINE_META).catch((err) => host.report(err, `record fire ${o.id}`));
          continue;
        }
        let d = decided.get(o.id);
        if (!d) decided.set(o.id, (d = { live, state: live.state, events: [] }));
        for (const e of decide(build(now), d.state, o.id)) {
          d.events.push(e);
          d.state = evolve(d.state, e, metadata);
        }
      } catch (err) {
        host.report(err, `record fire ${o.id}`);
      }
    }
    for (const [id, { live, state, events }] of decided) {
      if (events.length === 0) continue;
      // On a conflict each outcome is decided again on the fresh stream (one that was settled meanwhile is a no-op).
      const retry = async (): Promise<void> => {
        for (const o of batch) {
          if (o.id !== id) continue;
          await host.run(id, id, (at) => recordFired(o, at), ENGINE_META);
        }
      };
      void host.appendDecided(live, events, state, metadata, retry);
    }
    host.endPass();
  }
}
