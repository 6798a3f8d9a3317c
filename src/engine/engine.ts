import { hostname } from 'node:os';
import type { Observable, Subscription } from 'rxjs';
import { type AnyActorRef, createActor, createEmptyActor } from 'xstate';
import { type Clock, systemClock } from '../clock/index.ts';
import { type EventMetadata, type EventStore, type RecordedEvent, VersionConflictError } from '../events/index.ts';
import {
  evolve,
  WORKFLOW_STREAM_PREFIX,
  type WorkflowEvent,
  workflowMachine,
  type WorkflowState,
} from '../workflows/index.ts';
import { type CommandMeta, type Commands, type Handled, handleCommand } from './handle-command.ts';
import type { LiveWorkflow } from './live.ts';
import { type EngineEvent, EngineLifecycle, tellApplied } from './lifecycle.ts';
import { asWorkflowEvent, foldRecorded, loadWorkflow, type VersionedState } from './stream-state.ts';
import { TimerWheel } from './timer-wheel.ts';
import { internDefinition } from './intern.ts';
import { noopTrigger, type RefreshTrigger } from './trigger.ts';
import { loadAllWorkflows } from './load-all.ts';
import { appendOwn, PassStamp } from './own-append.ts';
import { FirePath } from './fire-path.ts';
import { ClaimPath } from './claim-path.ts';
import type { EngineHost } from './engine-host.ts';

export interface EngineOptions {
  store: EventStore;
  trigger?: RefreshTrigger;
  clock?: Clock;
  engineId?: string;
  /**
   * How long before its nominal time a fire is claimed, so the durable claim is off the fire's critical path. A
   * minimum: when thousands of claims are due together and their pass takes longer, the engine claims earlier
   * (see ClaimLead).
   */
  claimLeadMs?: number;
  /** A fire later than this is a misfire and follows the workflow's policy (Flink/Quartz: 60 s). */
  misfireThresholdMs?: number;
  onError?: (error: unknown, context: string) => void;
}

/**
 * How long a fire's outcome may wait to be appended with its workflow's next claim (one append instead of two for
 * frequent crons) before it is recorded on its own.
 */
const OUTCOME_HOLD_MS = 1_000;

/** The stream's occupant while the engine appends its own decision, or the tail of the workflow's command queue. */
type Held = Promise<unknown>;

/**
 * Runs every workflow of one store: a live XState actor per workflow, an RxJS timer per active one, and the
 * command handler through which every change — from users or from timers — is appended with its expected version.
 */
export class WorkflowEngine {
  readonly engineId: string;
  private readonly store: EventStore;
  private readonly clock: Clock;
  private readonly threshold: number;
  private readonly live = new Map<string, LiveWorkflow>();
  private readonly queues = new Map<string, Held>();
  /** Invoking triggers and recording their outcomes. */
  private readonly fires: FirePath;
  private readonly stamp = new PassStamp();
  /** Claiming fires before their time. */
  private readonly claims: ClaimPath;
  private readonly machine;
  private readonly system: AnyActorRef;
  private subscription?: Subscription;
  private running = false;
  /** All of this engine's timers: one Node timer per distinct due instant. */
  private readonly wheel: TimerWheel;
  private readonly events = new EngineLifecycle();
  /** What the engine does to its workflows, as it happens: claims, fires, recorded outcomes, late wakes. */
  readonly lifecycle: Observable<EngineEvent> = this.events.events;

  constructor(private readonly options: EngineOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.wheel = new TimerWheel(this.clock);
    this.engineId = options.engineId ?? `${hostname()}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
    this.threshold = options.misfireThresholdMs ?? 60_000;
    const host = this.host();
    this.fires = new FirePath(host, options.trigger ?? noopTrigger, OUTCOME_HOLD_MS, this.events);
    this.claims = new ClaimPath(host, this.fires.hold, options.claimLeadMs ?? 250);
    // One shared actor system: a root actor per workflow costs twice the heap of one parented this way.
    this.system = createEmptyActor();
    this.machine = workflowMachine.provide({
      actions: {
        armTimer: ({ context }) => this.claims.arm(context.workflowId),
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
    for (;;) {
      await this.fires.settled();
      this.fires.hold.drain(); // now, not after the hold: nothing fired is left without its outcome
      if (this.queues.size === 0 && this.fires.inFlight === 0 && this.fires.hold.size === 0) break;
      await Promise.allSettled([...this.queues.values()]);
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
  execute(id: string, key: string, build: (now: number, engineId: string) => Commands, meta: CommandMeta): Promise<Handled> {
    return this.enqueue(id, () => this.run(id, key, (now) => build(now, this.engineId), meta));
  }

  private async run(id: string, key: string, build: (now: number) => Commands, meta: CommandMeta): Promise<Handled> {
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

  /**
   * Appends events the engine decided on the live state of an idle workflow, without the command queue's
   * envelope: the stream is held (queued commands wait) until the append settles and its events are applied.
   * On a version conflict someone else wrote first: `retry` decides again through the handler, which reads fresh.
   */
  private appendDecided(live: LiveWorkflow, events: WorkflowEvent[], after: WorkflowState | undefined, metadata: EventMetadata, retry: () => Promise<unknown>): Held {
    const { id, version: before } = live;
    const held: Held = appendOwn(this.store, id, events, before, metadata).then(
      (result) => {
        this.release(id, held);
        // The subscription may have applied them already (it hears a commit before the append resolves).
        if (this.live.get(id) !== live || live.version !== before) return;
        this.reconcile(id, { state: after, version: result.nextExpectedVersion }, events);
      },
      (error: unknown) => {
        if (!(error instanceof VersionConflictError)) {
          this.release(id, held);
          this.report(error, `append ${events[0]?.type ?? ''} ${id}`);
          return;
        }
        return retry()
          .catch((err) => this.report(err, `retry ${events[0]?.type ?? ''} ${id}`))
          .finally(() => this.release(id, held));
      },
    );
    this.queues.set(id, held);
    return held;
  }

  private release(id: string, held: Held): void {
    if (this.queues.get(id) === held) this.queues.delete(id);
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
    if (events && this.events.observed) tellApplied(this.events, this.engineId, id, live?.state, events);
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
      if (events?.every((e) => e.type === 'FireClaimed' || e.type === 'OccurrenceFired')) this.claims.arm(id);
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
    if (state.status === 'active') this.claims.arm(id); // a restored snapshot does not re-run entry actions
    this.syncFireTimers(live);
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

  /** Arms a timer for each of this engine's claims; cancels timers whose claim was settled otherwise. */
  private syncFireTimers(live: LiveWorkflow): void {
    const pending = live.state.pending;
    if (live.fireTimers) {
      for (const [t, sub] of live.fireTimers) {
        if (!pending.some((p) => p.t === t && p.by === this.engineId)) {
          sub.unsubscribe();
          live.fireTimers.delete(t);
        }
      }
    }
    if (this.running) {
      for (const { t, by } of pending) {
        if (by !== this.engineId || live.fireTimers?.has(t)) continue;
        live.fireTimers ??= new Map();
        const sub = this.wheel.at(t, () => this.fires.fire(live.id, t));
        if (!sub.closed) live.fireTimers.set(t, sub);
      }
    }
    if (live.fireTimers?.size === 0) live.fireTimers = undefined;
  }

  /** The engine as its claim and fire paths see it. */
  private host(): EngineHost {
    return {
      engineId: this.engineId,
      clock: this.clock,
      wheel: this.wheel,
      misfireThresholdMs: this.threshold,
      lifecycle: this.events,
      enqueue: (id, work) => this.enqueue(id, work),
      liveOf: (id) => this.live.get(id),
      isRunning: () => this.running,
      isBusy: (id) => this.queues.has(id),
      claimLeadMs: () => this.claims.lead.ms,
      execute: (id, key, build, meta) => this.execute(id, key, (now) => build(now), meta),
      run: (id, key, build, meta) => this.run(id, key, build, meta),
      appendDecided: (live, events, after, metadata, retry) => this.appendDecided(live, events, after, metadata, retry),
      passMetadata: (now) => this.stamp.metadata(now),
      endPass: () => this.stamp.end(),
      report: (error, context) => this.report(error, context),
    };
  }

  private report(error: unknown, context: string): void {
    if (this.options.onError) this.options.onError(error, context);
    else console.error(`[freshet engine] ${context}:`, error);
  }
}
