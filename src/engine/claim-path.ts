import { jobKey, scheduleOf, type WorkflowCommand, type WorkflowEvent, type WorkflowState } from '../workflows/index.ts';
import { ClaimLead } from './claim-lead.ts';
import { ENGINE_META, type EngineHost } from './engine-host.ts';
import { type FireOutcome, type OutcomeHold, recordFired } from './outcome-hold.ts';
import { decideOnto, planClaim } from './plan-claim.ts';

/**
 * Claiming fires before their time: a claim timer per active workflow, and the pass that claims every workflow
 * whose timer came due in one turn. Split from the engine so the pass, run for thousands of workflows back to
 * back, reads on its own.
 */
export class ClaimPath {
  readonly lead: ClaimLead;
  /** Workflows whose claim timer came due this turn: claimed together in one pass (see claimDue). */
  private wakes: string[] = [];

  constructor(
    private readonly host: EngineHost,
    /** Outcomes of fires waiting for their workflow's next claim. */
    private readonly hold: OutcomeHold,
    leadMs: number,
  ) {
    this.lead = new ClaimLead(leadMs);
  }

  /** (Re)arms the workflow's claim timer for its next nominal time (or to watch another engine's claim). */
  arm(id: string): void {
    const { host } = this;
    const live = host.liveOf(id);
    if (!live || !host.isRunning()) return;
    live.claimTimer?.unsubscribe();
    live.claimTimer = undefined;
    const { cronExpression, timeZone } = live.state.def;
    const next = scheduleOf(cronExpression, timeZone).nextAfter(live.state.cursor);
    // Another engine's claim is watched too: if it has not fired by the misfire threshold, its engine died.
    let wakeAt = next === null ? Infinity : next - this.lead.ms;
    for (const p of live.state.pending) if (p.by !== host.engineId) wakeAt = Math.min(wakeAt, p.t + host.misfireThresholdMs + 1);
    if (wakeAt === Infinity) return; // the schedule has ended
    live.claimTimer = host.wheel.at(wakeAt, () => {
      live.claimTimer = undefined;
      this.wakes.push(id);
      if (this.wakes.length === 1) queueMicrotask(() => this.claimDue());
    });
  }

  /**
   * Every claim timer that came due in one turn (a wheel bucket: often thousands of workflows on one cron) is
   * decided and appended in one pass. The appends share the store's group commit; each still carries its stream's
   * expected version, so two engines never both claim one time. A busy workflow, a catch-up or a conflict takes the
   * command handler instead.
   */
  private claimDue(): void {
    const { host } = this;
    const ids = this.wakes;
    this.wakes = [];
    if (!host.isRunning()) return;
    const now = host.clock.now();
    const metadata = host.passMetadata(now);
    let last: Promise<unknown> | undefined;
    for (const id of ids) {
      try {
        const live = host.liveOf(id);
        if (!live || live.state.status !== 'active') continue;
        const plan = host.isBusy(id) ? 'busy' : planClaim(live.state, now, this.lead.ms, host.misfireThresholdMs);
        if (plan === 'early') this.arm(id);
        else if (plan === 'busy') {
          // Its held outcomes go along now, or the hold would record them on their own while the claim waits.
          const held = this.hold.take(id) ?? [];
          host.enqueue(id, () => this.claimQueued(id, held)).catch((err) => host.report(err, `claim ${id}`));
        } else {
          if (plan === 'catch-up') this.late(id, now);
          // The outcomes of its last fires go first, in the same append: one append per fire, not two.
          const held = this.hold.take(id);
          let state: WorkflowState | undefined = live.state;
          const events: WorkflowEvent[] = [];
          if (held) for (const o of held) state = decideOnto(events, recordFired(o, now), state, id, metadata);
          const outcomes = events.length;
          const after = decideOnto(events, this.command(plan, now), state, id, metadata);
          if (events.length === outcomes) this.arm(id); // nothing to claim: the outcomes alone, if any
          if (events.length > 0) {
            // On a conflict: decided again on the fresh stream, outcomes and claim together as when busy.
            last = host.appendDecided(live, events, after, metadata, () => this.claimQueued(id, held ?? []));
          }
        }
      } catch (err) {
        host.report(err, `claim ${id}`);
      }
    }
    host.endPass();
    // The group commit settles a pass's appends in order: when the last is applied, the pass is done.
    void last?.then(() => {
      const end = host.clock.now();
      this.lead.passTook(end - now, end);
    });
  }

  /**
   * The claim through the command handler (serialized with the workflow's other commands, fresh read on conflict),
   * with the outcomes that were held for it, as in claimDue: were they recorded on their own, a workflow that was
   * busy once would append twice a second from then on, each append keeping it busy for the other — after a few
   * seconds of overload the engine never caught up again.
   */
  private async claimQueued(id: string, taken: FireOutcome[] = []): Promise<void> {
    const { host } = this;
    const held = taken.concat(this.hold.take(id) ?? []);
    const live = host.liveOf(id);
    const plan = live && host.isRunning() && live.state.status === 'active' ? planClaim(live.state, host.clock.now(), this.lead.ms, host.misfireThresholdMs) : 'none';
    if (plan === 'early') {
      for (const o of held) this.hold.add(o, true); // still for the next claim
      return this.arm(id);
    }
    if (plan === 'none') {
      for (const o of held) await host.run(id, id, (at) => recordFired(o, at), ENGINE_META);
      return;
    }
    if (plan === 'catch-up') this.late(id, host.clock.now());
    const key = jobKey(live!.state.def.workflowGroup, live!.state.def.workflowName);
    try {
      const handled = await host.run(id, key, (at) => [...held.map((o) => recordFired(o, at)), this.command(plan, at)], ENGINE_META);
      if (handled.events.length === 0) this.arm(id);
    } catch (error) {
      // The outcomes are facts whatever became of the claim: recorded on their own, not lost.
      for (const o of held) void host.execute(id, id, (at) => recordFired(o, at), ENGINE_META).catch((err) => host.report(err, `record fire ${id}`));
      throw error;
    }
  }

  private late(workflowId: string, at: number): void {
    if (this.host.lifecycle.observed) this.host.lifecycle.emit({ type: 'late', workflowId, at });
  }

  private command(plan: 'catch-up' | number, now: number): WorkflowCommand {
    const { engineId, misfireThresholdMs } = this.host;
    return plan === 'catch-up' ? { type: 'CatchUp', now, misfireThresholdMs, engineId } : { type: 'ClaimFire', now, nominalTime: plan, engineId };
  }
}
