import { hostname } from 'node:os';
import type { Subscription } from 'rxjs';
import { type AnyActorRef, createActor, createEmptyActor } from 'xstate';
import { type Clock, systemClock } from '../../clock/index.ts';
import type { EventStore, RecordedEvent } from '../../events/index.ts';
import {
  evolve,
  jobKey,
  scheduleOf,
  WORKFLOW_STREAM_PREFIX,
  type WorkflowCommand,
  type WorkflowEvent,
  workflowMachine,
  type WorkflowState,
} from '../../machines/index.ts';
import { type CommandMeta, type Handled, handleCommand } from './handle-command.ts';
import type { FireInfo, LiveWorkflow } from './live.ts';
import { asWorkflowEvent, foldRecorded, loadWorkflow, type VersionedState } from './stream-state.ts';
import { MAX_WAIT_MS, scheduleAt } from './timer-at.ts';
import { TimerWheel } from './timer-wheel.ts';
import { internDefinition } from './intern.ts';
import { formatScheduleTime } from './format-time.ts';
import { noopTrigger, type RefreshTrigger } from './trigger.ts';
import { loadAllWorkflows } from './load-all.ts';

export interface EngineOptions {
  store: EventStore;
  trigger?: RefreshTrigger;
  clock?: Clock;
  engineId?: string;
  /** How long before its nominal time a fire is claimed, so the durable claim is off the fire's critical path. */
  claimLeadMs?: number;
  /** A fire later than this is a misfire and follows the workflow's policy (Flink/Quartz: 60 s). */
  misfireThresholdMs?: number;
  /** Called the moment a trigger is invoked (metrics, benchmarks). */
  onFire?: (fire: FireInfo) => void;
  onError?: (error: unknown, context: string) => void;
}

const ENGINE_META: CommandMeta = { actor: 'freshet-engine' };

/**
 * Runs every workflow of one store: a live XState actor per workflow, an RxJS timer per active one, and the
 * command handler through which every change — from users or from timers — is appended with its expected version.
 */
export class WorkflowEngine {
  readonly engineId: string;
  private readonly store: EventStore;
  private readonly trigger: RefreshTrigger;
  private readonly clock: Clock;
  private readonly lead: number;
  private readonly threshold: number;
  private readonly live = new Map<string, LiveWorkflow>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly machine;
  private readonly system: AnyActorRef;
  private subscription?: Subscription;
  private running = false;
  /** All of this engine's timers: one Node timer per distinct due millisecond. */
  private readonly wheel = new TimerWheel();

  constructor(private readonly options: EngineOptions) {
    this.store = options.store;
    this.trigger = options.trigger ?? noopTrigger;
    this.clock = options.clock ?? systemClock;
    this.engineId = options.engineId ?? `${hostname()}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
    this.lead = options.claimLeadMs ?? 250;
    this.threshold = options.misfireThresholdMs ?? 60_000;
    // One shared actor system: a root actor per workflow costs twice the heap of one parented this way.
    this.system = createEmptyActor();
    this.machine = workflowMachine.provide({
      actions: {
        armTimer: ({ context }) => this.armClaim(context.workflowId),
        disarmTimer: ({ context }) => this.disarm(context.workflowId),
      },
    });
  }

  get misfireThresholdMs(): number {
    return this.threshold;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const { states, position } = await loadAllWorkflows(this.store);
    for (const [id, vs] of states) if (vs.state && vs.state.status !== 'deleted') this.adopt(id, vs.state, vs.version);
    this.subscription = this.store.subscribe({ after: position, filter: { streamPrefix: WORKFLOW_STREAM_PREFIX } }).subscribe({
      next: (e) => this.onLogEvent(e),
      error: (err) => this.report(err, 'subscription'),
    });
  }

  /** Stops timers and waits for fires in flight and their outcomes to be recorded. Idempotent. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.subscription?.unsubscribe();
    for (const live of this.live.values()) this.disarm(live.id, true);
    while (this.inFlight.size > 0 || this.queues.size > 0) {
      await Promise.allSettled([...this.inFlight, ...this.queues.values()]);
    }
    // The actors belong to this engine's actor system and go with it; only a root actor may be stopped directly.
    this.live.clear();
  }

  get size(): number {
    return this.live.size;
  }

  workflow(id: string): WorkflowState | undefined {
    return this.live.get(id)?.state;
  }

  /** Runs a command through the handler, serialized with everything else this engine does to the workflow. */
  execute(id: string, key: string, build: (now: number, engineId: string) => WorkflowCommand, meta: CommandMeta): Promise<Handled> {
    return this.enqueue(id, () => this.run(id, key, (now) => build(now, this.engineId), meta));
  }

  private async run(id: string, key: string, build: (now: number) => WorkflowCommand, meta: CommandMeta): Promise<Handled> {
    const read = async (fresh: boolean): Promise<VersionedState> => {
      const live = this.live.get(id);
      if (live && !fresh) return { state: live.state, version: live.version };
      const loaded = await loadWorkflow(this.store, id);
      if (fresh) this.reconcile(id, loaded);
      return loaded;
    };
    const handled = await handleCommand(this.store, id, key, build, meta, read, () => this.clock.now());
    if (handled.events.length > 0) {
      let vs = handled.before;
      const current = this.live.get(id);
      // The subscription may already have applied our own events: apply only what is still new.
      if (!current || current.version === vs.version) {
        let state = vs.state;
        for (const e of handled.events) state = evolve(state, e, meta);
        vs = { state, version: handled.version };
        this.reconcile(id, vs, handled.events);
      }
    }
    return handled;
  }

  private enqueue<T>(id: string, work: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(id) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.catch(() => undefined);
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return next;
  }

  private onLogEvent(e: RecordedEvent): void {
    const id = e.streamName.slice(WORKFLOW_STREAM_PREFIX.length);
    const live = this.live.get(id);
    const version = live?.version ?? 0;
    if (e.version <= version) return; // ours, or already seen
    if (e.version === version + 1 && (live || e.type === 'WorkflowCreated')) {
      this.reconcile(id, foldRecorded({ state: live?.state, version }, [e]), [asWorkflowEvent(e)]);
    } else {
      void this.enqueue(id, async () => this.reconcile(id, await loadWorkflow(this.store, id))).catch((err) => this.report(err, 'reload'));
    }
  }

  /** Brings the live workflow to `vs` and tells its actor what changed; the actor arms and disarms the timer. */
  private reconcile(id: string, vs: VersionedState, events?: readonly WorkflowEvent[]): void {
    const live = this.live.get(id);
    const state = vs.state;
    if (live && vs.version <= live.version) return;
    if (!state || state.status === 'deleted') {
      if (live) {
        live.actor.send({ type: 'WorkflowDeleted' }); // final state: the actor stops and leaves the system
        this.disarm(id, true);
        this.live.delete(id);
      }
      return;
    }
    if (!live) {
      this.adopt(id, state, vs.version);
      return;
    }
    const was = live.state.status;
    live.state = state.def === live.state.def ? state : { ...state, def: internDefinition(state.def) };
    live.version = vs.version;
    if (was !== state.status) live.actor.send({ type: state.status === 'suspended' ? 'WorkflowSuspended' : 'WorkflowResumed' });
    else if (state.status === 'active' && (!events || events.some((e) => e.type !== 'OccurrenceFired'))) {
      // A new cron or a catch-up goes through the machine; a plain claim only moves the timer to the next time,
      // which the engine does itself: at 10,000 fires a second the machine's re-entry is measurable.
      if (events?.every((e) => e.type === 'FireClaimed' || e.type === 'OccurrenceFired')) this.armClaim(id);
      else live.actor.send({ type: 'Rearm' });
    }
    this.syncFireTimers(live);
  }

  private adopt(id: string, loaded: WorkflowState, version: number): void {
    const state = { ...loaded, def: internDefinition(loaded.def) };
    const snapshot = this.machine.resolveState({ value: state.status, context: { workflowId: id } });
    const actor = createActor(this.machine, { snapshot, input: { workflowId: id }, parent: this.system });
    const live: LiveWorkflow = { id, state, version, actor };
    this.live.set(id, live);
    actor.start();
    if (state.status === 'active') this.armClaim(id); // a restored snapshot does not re-run entry actions
    this.syncFireTimers(live);
  }

  private armClaim(id: string): void {
    const live = this.live.get(id);
    if (!live || !this.running) return;
    live.claimTimer?.unsubscribe();
    live.claimTimer = undefined;
    const { cronExpression, timeZone } = live.state.def;
    const next = scheduleOf(cronExpression, timeZone).nextAfter(live.state.cursor);
    // Another engine's claim is watched too: if it has not fired by the misfire threshold, its engine died.
    const foreign = live.state.pending.filter((p) => p.by !== this.engineId).map((p) => p.t + this.threshold + 1);
    const wakeAt = Math.min(next === null ? Infinity : next - this.lead, ...foreign);
    if (wakeAt === Infinity) return; // the schedule has ended
    live.claimTimer = scheduleAt(
      wakeAt,
      this.clock,
      () => {
        live.claimTimer = undefined;
        this.enqueue(id, () => this.onClaimWake(id)).catch((err) => this.report(err, `claim ${id}`));
      },
      MAX_WAIT_MS,
      this.wheel,
    );
  }

  private disarm(id: string, fires = false): void {
    const live = this.live.get(id);
    if (!live) return;
    live.claimTimer?.unsubscribe();
    live.claimTimer = undefined;
    if (fires && live.fireTimers) {
      for (const sub of live.fireTimers.values()) sub.unsubscribe();
      live.fireTimers = undefined;
    }
  }

  private async onClaimWake(id: string): Promise<void> {
    const live = this.live.get(id);
    if (!live || !this.running || live.state.status !== 'active') return;
    const now = this.clock.now();
    const { cronExpression, timeZone } = live.state.def;
    const next = scheduleOf(cronExpression, timeZone).nextAfter(live.state.cursor) ?? Infinity;
    const stale = live.state.pending.some((p) => p.t <= now - this.threshold);
    if (next - this.lead > now && !stale) return this.armClaim(id); // woke early: the wall clock went back
    const key = jobKey(live.state.def.workflowGroup, live.state.def.workflowName);
    const late = next <= now - this.threshold;
    const handled = await this.run(id, key, (at) =>
      late || stale
        ? { type: 'CatchUp', now: at, misfireThresholdMs: this.threshold, engineId: this.engineId }
        : { type: 'ClaimFire', now: at, nominalTime: next, engineId: this.engineId },
    ENGINE_META);
    if (handled.events.length === 0) this.armClaim(id);
  }

  /** Arms a timer for each of this engine's claims; cancels timers whose claim was settled otherwise. */
  private syncFireTimers(live: LiveWorkflow): void {
    const mine = live.state.pending.filter((p) => p.by === this.engineId);
    for (const [t, sub] of live.fireTimers ?? []) {
      if (!mine.some((p) => p.t === t)) {
        sub.unsubscribe();
        live.fireTimers?.delete(t);
      }
    }
    if (!this.running) return;
    for (const { t } of mine) {
      if (live.fireTimers?.has(t)) continue;
      live.fireTimers ??= new Map();
      const sub = scheduleAt(t, this.clock, () => this.fire(live.id, t), MAX_WAIT_MS, this.wheel);
      if (!sub.closed) live.fireTimers.set(t, sub);
    }
    if (live.fireTimers?.size === 0) live.fireTimers = undefined;
  }

  private fire(id: string, t: number): void {
    const live = this.live.get(id);
    live?.fireTimers?.delete(t);
    if (!live || !this.running) return;
    const claim = live.state.pending.find((p) => p.t === t && p.by === this.engineId);
    if (!claim) return;
    const def = live.state.def;
    const manual = claim.manual === true;
    const invokedAt = performance.timeOrigin + performance.now();
    const firedAt = this.clock.now();
    const done = this.trigger
      .fire({
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
      })
      .then(
        (result) => ({ operationHandle: result?.operationHandle, disposition: result?.disposition }),
        (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }),
      );
    this.options.onFire?.({ workflowId: id, nominalTime: t, invokedAt, manual });
    const key = jobKey(def.workflowGroup, def.workflowName);
    const recorded = done.then((outcome) =>
      this.execute(id, key, (now) => ({ type: 'RecordFired', now, nominalTime: t, firedAt, manual, recovered: false, ...outcome }), ENGINE_META),
    );
    this.inFlight.add(recorded);
    void recorded.catch((err) => this.report(err, `record fire ${id}`)).finally(() => this.inFlight.delete(recorded));
  }

  private report(error: unknown, context: string): void {
    if (this.options.onError) this.options.onError(error, context);
    else console.error(`[freshet engine] ${context}:`, error);
  }
}
