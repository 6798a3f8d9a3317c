import { jobKey, scheduleOfSpec, type WorkflowCommand, type WorkflowEvent, type WorkflowState } from '../workflows/index.ts';
import type { ClaimLead } from './claim-lead.ts';
import type { LiveWorkflow } from './live.ts';
import type { LiveWorkflows } from './live-workflows.ts';
import { ENGINE_META } from './own-append.ts';
import { type FireOutcome, type OutcomeHold, recordFired } from './outcome-hold.ts';
import { decideOnto, planClaim } from './plan-claim.ts';
import { recallStaleClaims, settleOrphanedClaims, staleClaims } from './recover-claims.ts';
import type { RefreshTrigger } from './trigger.ts';

/** Claims decided in one turn of the event loop at most. */
const CLAIM_SLICE = 2_500;

/**
 * Claiming fires before their time: a claim timer per active workflow, and the pass that claims every workflow
 * whose timer came due in one turn. Split from the engine so the pass, run for thousands of workflows back to
 * back, reads on its own.
 */
export class ClaimPath {
  /** Workflows whose claim timer came due this turn: claimed together in one pass (see claimDue). */
  private wakes: string[] = [];

  constructor(
    private readonly workflows: LiveWorkflows,
    /** Outcomes of fires waiting for their workflow's next claim. */
    private readonly hold: OutcomeHold,
    /** How long before its nominal time a fire is claimed (it grows while passes are slow). */
    private readonly lead: ClaimLead,
    /** Asked what it recorded of fires a dead engine left without an outcome (see recover-claims.ts). */
    private readonly trigger: RefreshTrigger,
  ) {}

  /**
   * (Re)arms the workflow's claim timer for its next nominal time (or to watch another engine's claim). Only the
   * workflow's actor calls it (its armTimer action): everyone else asks the actor (LiveWorkflows.rearm).
   */
  arm(id: string): void {
    const { workflows } = this;
    const live = workflows.get(id);
    if (!live || !workflows.running) return;
    this.disarm(live);
    const next = scheduleOfSpec(live.state.def).nextAfter(live.state.cursor);
    // Another engine's claim is watched too: if it has not fired by the misfire threshold, its engine died.
    let wakeAt = next === null ? Infinity : next - this.lead.ms;
    for (const p of live.state.pending) if (p.by !== workflows.engineId) wakeAt = Math.min(wakeAt, Math.max(p.t, p.at ?? p.t) + workflows.misfireThresholdMs + 1);
    if (wakeAt === Infinity) return; // the schedule has ended
    live.claimTimer = workflows.wheel.at(wakeAt, () => {
      live.claimTimer = undefined;
      this.wakes.push(id);
      if (this.wakes.length === 1) queueMicrotask(() => this.claimDue());
    });
  }

  disarm(live: LiveWorkflow): void {
    live.claimTimer?.unsubscribe();
    live.claimTimer = undefined;
  }

  /**
   * Every claim timer that came due in one turn (a wheel bucket: often thousands of workflows on one cron) is
   * decided and appended in one pass. The appends share the store's group commit; each still carries its stream's
   * expected version, so two engines never both claim one time. A busy workflow, a catch-up or a conflict takes the
   * command handler instead.
   */
  private claimDue(): void {
    const { workflows } = this;
    // Bounded work per turn: the rest of a big bucket (every workflow catching up after a restart) goes on after
    // I/O had its turn, so the server answers and appends commit while thousands of claims are decided.
    const ids = this.wakes.length <= CLAIM_SLICE ? this.wakes : this.wakes.slice(0, CLAIM_SLICE);
    this.wakes = ids === this.wakes ? [] : this.wakes.slice(CLAIM_SLICE);
    if (this.wakes.length > 0) setImmediate(() => this.claimDue());
    if (!workflows.running) return;
    const now = workflows.clock.now();
    const metadata = workflows.passMetadata(now);
    let last: Promise<unknown> | undefined;
    for (const id of ids) {
      try {
        const live = workflows.get(id);
        if (!live || !workflows.active(live)) continue;
        let plan: ReturnType<typeof planClaim> | 'busy' = workflows.busy(id) ? 'busy' : planClaim(live.state, now, this.lead.ms, workflows.misfireThresholdMs);
        // A dead engine's claims: the trigger is asked (asynchronously) what became of them before the catch-up.
        if (plan === 'catch-up' && this.trigger.recall && staleClaims(live.state, now, workflows.misfireThresholdMs).length > 0) plan = 'busy';
        if (plan === 'early') workflows.rearm(live);
        else if (plan === 'busy') {
          // Its held outcomes go along now, or the hold would record them on their own while the claim waits.
          const held = this.hold.take(id) ?? [];
          workflows.enqueue(id, () => this.claimQueued(id, held)).catch((err) => workflows.report(err, `claim ${id}`));
        } else {
          if (plan === 'catch-up') this.late(id, now);
          // The outcomes of its last fires go first, in the same append: one append per fire, not two.
          const held = this.hold.take(id);
          let state: WorkflowState | undefined = live.state;
          const events: WorkflowEvent[] = [];
          if (held) for (const o of held) state = decideOnto(events, recordFired(o, now), state, id, metadata);
          const outcomes = events.length;
          const after = decideOnto(events, this.command(plan, now), state, id, metadata);
          if (events.length === outcomes) workflows.rearm(live); // nothing to claim: the outcomes alone, if any
          if (events.length > 0) {
            // On a conflict: decided again on the fresh stream, outcomes and claim together as when busy.
            last = workflows.appendDecided(live, events, after, metadata, () => this.claimQueued(id, held ?? []));
          }
        }
      } catch (err) {
        workflows.report(err, `claim ${id}`);
      }
    }
    workflows.endPass();
    // The group commit settles a pass's appends in order: when the last is applied, the pass is done.
    void last?.then(() => {
      const end = workflows.clock.now();
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
    const { workflows } = this;
    const held = taken.concat(this.hold.take(id) ?? []);
    const live = workflows.get(id);
    const plan = live && workflows.running && workflows.active(live) ? planClaim(live.state, workflows.clock.now(), this.lead.ms, workflows.misfireThresholdMs) : 'none';
    if (plan === 'early') {
      // Still for the next claim — unless another engine just took this one: engines sharing a log win a claim
      // in turn, and outcomes held from lost race to lost race waited seconds, past the misfire threshold.
      const lost = live!.state.pending.some((p) => p.by !== workflows.engineId);
      for (const o of held) this.hold.add(o, !lost);
      return workflows.rearm(live!);
    }
    if (plan === 'none') {
      for (const o of held) await workflows.run(id, id, (at) => recordFired(o, at), ENGINE_META);
      return;
    }
    let recalled: WorkflowCommand[] = [];
    if (plan === 'catch-up') {
      this.late(id, workflows.clock.now());
      recalled = await recallStaleClaims(this.trigger, id, live!.state, workflows.clock.now(), workflows.misfireThresholdMs);
    }
    const key = jobKey(live!.state.def.workflowGroup, live!.state.def.workflowName);
    try {
      const handled = await workflows.run(id, key, (at) => [...held.map((o) => recordFired(o, at)), ...recalled, this.command(plan, at)], ENGINE_META);
      const after = workflows.get(id);
      if (handled.events.length === 0 && after) workflows.rearm(after);
    } catch (error) {
      // The outcomes are facts whatever became of the claim: recorded on their own, not lost.
      for (const o of held) void workflows.execute(id, id, (at) => recordFired(o, at), ENGINE_META).catch((err) => workflows.report(err, `record fire ${id}`));
      throw error;
    }
  }

  /**
   * A deleted workflow with claims still open (its engine died between claim and outcome; no actor watches it):
   * once those claims are stale — their engine would have recorded them by then — each is settled from what the
   * trigger recorded (settleOrphanedClaims), so every claim ends in an outcome.
   */
  watchOrphan(id: string, state: WorkflowState): void {
    const { workflows } = this;
    let due = 0;
    for (const p of state.pending) due = Math.max(due, Math.max(p.t, p.at ?? p.t) + workflows.misfireThresholdMs + 1);
    const settle = (): void => {
      if (!workflows.running) return;
      const work = async (): Promise<void> => {
        const loaded = await workflows.load(id);
        if (!loaded.state || loaded.state.status !== 'deleted') return; // it came back (created again): its actor watches
        const commands = await settleOrphanedClaims(this.trigger, id, loaded.state, workflows.clock.now());
        if (commands.length > 0) await workflows.run(id, id, () => commands, ENGINE_META);
      };
      workflows.enqueue(id, work).catch((err) => workflows.report(err, `settle claims ${id}`));
    };
    workflows.wheel.at(due, settle);
  }

  private late(workflowId: string, at: number): void {
    if (this.workflows.lifecycle.observed) this.workflows.lifecycle.emit({ type: 'late', workflowId, at });
  }

  private command(plan: 'catch-up' | number, now: number): WorkflowCommand {
    const { engineId, misfireThresholdMs } = this.workflows;
    return plan === 'catch-up' ? { type: 'CatchUp', now, misfireThresholdMs, engineId } : { type: 'ClaimFire', now, nominalTime: plan, engineId };
  }
}
