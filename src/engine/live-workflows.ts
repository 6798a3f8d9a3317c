import { type AnyActorRef, createActor, createEmptyActor } from 'xstate';
import type { Clock } from '../clock/index.ts';
import { type CommandRequest, type EventMetadata, type EventStore, type RecordedEvent, SerialPerKey, VersionConflictError } from '../events/index.ts';
import { evolve, WORKFLOW_STREAM_PREFIX, WorkflowError, type WorkflowEvent, workflowMachine, type WorkflowState } from '../workflows/index.ts';
import type { ClaimPath } from './claim-path.ts';
import type { FirePath } from './fire-path.ts';
import { type Commands, type Handled, handleCommand } from './handle-command.ts';
import { internDefinition } from './intern.ts';
import { type EngineLifecycle, tellApplied } from './lifecycle.ts';
import type { LiveWorkflow } from './live.ts';
import { appendOwn, PassStamp } from './own-append.ts';
import { asWorkflowEvent, foldRecorded, loadWorkflow, type VersionedState } from './stream-state.ts';
import type { TimerWheel } from './timer-wheel.ts';

const REARM = { type: 'Rearm' } as const;

export interface LiveWorkflowsOptions {
  store: EventStore;
  clock: Clock;
  wheel: TimerWheel;
  engineId: string;
  misfireThresholdMs: number;
  lifecycle: EngineLifecycle;
  report: (error: unknown, context: string) => void;
}

/**
 * The workflows one engine holds in memory, and the one way each changes: a decision appended to its stream with
 * the expected version (one writer per stream, through `serial`), then applied here — or a fact heard from the
 * log. Each workflow's XState actor arms and disarms its claim timer (through the claim path) as its status
 * changes; this object keeps its fire timers (through the fire path) in step with its pending claims.
 * A little over 250 lines on purpose: the map of live workflows, the per-stream queue and the apply step share
 * one invariant (a live workflow's version is its stream's, applied once whoever appended); split, each part
 * would have to trust the others to keep it.
 */
export class LiveWorkflows {
  readonly engineId: string;
  readonly clock: Clock;
  readonly wheel: TimerWheel;
  readonly misfireThresholdMs: number;
  readonly lifecycle: EngineLifecycle;
  readonly report: (error: unknown, context: string) => void;
  /** False before start and after stop: no timer is armed, no trigger invoked. */
  running = false;
  private readonly store: EventStore;
  private readonly byId = new Map<string, LiveWorkflow>();
  /** A workflow's commands and the engine's own appends, one at a time. */
  private readonly serial = new SerialPerKey();
  private readonly stamp = new PassStamp();
  /** One shared actor system: a root actor per workflow costs twice the heap of one parented this way. */
  private readonly system: AnyActorRef = createEmptyActor();
  private readonly machine;
  private claims!: ClaimPath;
  private fires!: FirePath;

  constructor(o: LiveWorkflowsOptions) {
    ({ store: this.store, clock: this.clock, wheel: this.wheel, engineId: this.engineId, misfireThresholdMs: this.misfireThresholdMs, lifecycle: this.lifecycle, report: this.report } = o);
    this.machine = workflowMachine.provide({
      actions: {
        armTimer: ({ context }) => this.claims.arm(context.workflowId),
        armResume: ({ context }) => this.armResume(context.workflowId),
        disarmTimer: ({ context }) => this.disarm(context.workflowId),
      },
    });
  }

  /** The paths the workflows' timers run: claims before each nominal time, fires at it. */
  drive(claims: ClaimPath, fires: FirePath): void {
    this.claims = claims;
    this.fires = fires;
  }

  get(id: string): LiveWorkflow | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** A command or an append of the engine's own holds the workflow's stream. */
  busy(id: string): boolean {
    return this.serial.busy(id);
  }

  /** Whether no workflow has a command or an append in flight. */
  get idle(): boolean {
    return this.serial.size === 0;
  }

  settled(): Promise<void> {
    return this.serial.settled();
  }

  /** Queues work behind everything else the engine does to the workflow. */
  enqueue<T>(id: string, work: () => Promise<T>): Promise<T> {
    return this.serial.run(id, work);
  }

  /** The workflow as its stream tells it, whether or not it is live here. */
  load(id: string): Promise<VersionedState> {
    return loadWorkflow(this.store, id);
  }

  /** A command through the handler, queued behind the workflow's other work. */
  execute(id: string, key: string, build: (now: number) => Commands, meta: CommandRequest): Promise<Handled> {
    return this.enqueue(id, () => this.run(id, key, build, meta));
  }

  /** A command through the handler, from inside the workflow's queue; its events are applied here once appended. */
  async run(id: string, key: string, build: (now: number) => Commands, meta: CommandRequest): Promise<Handled> {
    const read = async (fresh: boolean): Promise<VersionedState> => {
      const live = this.byId.get(id);
      if (live && !fresh) return { state: live.state, version: live.version };
      const loaded = await loadWorkflow(this.store, id);
      if (fresh) this.reconcile(id, loaded);
      return loaded;
    };
    const handled = await handleCommand(this.store, id, key, build, meta, read, () => this.clock.now());
    if (handled.events.length > 0) {
      const current = this.byId.get(id);
      // The subscription may already have applied our own events: apply only what is still new.
      if (!current || current.version === handled.before.version) {
        let state = handled.before.state;
        for (const e of handled.events) state = evolve(state, e, meta);
        this.reconcile(id, { state, version: handled.version }, handled.events);
      }
    }
    return handled;
  }

  /**
   * Appends events the engine decided on the live state of an idle workflow (`after`: that state with them
   * applied), without the command queue's envelope: the stream is held (queued commands wait) until the append
   * settles and its events are applied. On a version conflict someone else wrote first: `retry` decides again
   * through the handler, which reads fresh.
   */
  appendDecided(live: LiveWorkflow, events: WorkflowEvent[], after: WorkflowState | undefined, metadata: EventMetadata, retry: () => Promise<unknown>): Promise<unknown> {
    const { id, version: before } = live;
    const held: Promise<unknown> = appendOwn(this.store, id, events, before, metadata).then(
      (result) => {
        this.serial.release(id, held);
        // The subscription may have applied them already (it hears a commit before the append resolves).
        if (this.byId.get(id) !== live || live.version !== before) return;
        this.reconcile(id, { state: after, version: result.nextExpectedVersion }, events);
      },
      (error: unknown) => {
        if (!(error instanceof VersionConflictError)) {
          this.serial.release(id, held);
          this.report(error, `append ${events[0]?.type ?? ''} ${id}`);
          return;
        }
        return retry()
          .catch((err) => this.report(err, `retry ${events[0]?.type ?? ''} ${id}`))
          .finally(() => this.serial.release(id, held));
      },
    );
    this.serial.occupy(id, held);
    return held;
  }

  /** One correlation id and timestamp for every decision of one pass (see PassStamp); `endPass` starts the next. */
  passMetadata(now: number): EventMetadata {
    return this.stamp.metadata(now);
  }

  endPass(): void {
    this.stamp.end();
  }

  /** A workflow event from the log: applied in order, or the workflow read again when the engine missed some. */
  hear(e: RecordedEvent): void {
    const id = e.streamName.slice(WORKFLOW_STREAM_PREFIX.length);
    const live = this.byId.get(id);
    const version = live?.version ?? 0;
    if (e.version <= version) return; // ours, or already seen
    if (e.version === version + 1 && (live || e.type === 'WorkflowCreated')) {
      this.reconcile(id, foldRecorded({ state: live?.state, version }, [e]), [asWorkflowEvent(e)]);
    } else {
      void this.enqueue(id, async () => this.reconcile(id, await loadWorkflow(this.store, id))).catch((err) => this.report(err, 'reload'));
    }
  }

  /** Brings the live workflow to `vs` and tells its actor what changed; the actor arms and disarms the timer. */
  reconcile(id: string, vs: VersionedState, events?: readonly WorkflowEvent[]): void {
    const live = this.byId.get(id);
    const state = vs.state;
    if (live && vs.version <= live.version) return;
    if (events && this.lifecycle.observed) tellApplied(this.lifecycle, this.engineId, id, live?.state, events);
    if (!state || state.status === 'deleted') {
      if (live) {
        live.actor.send({ type: 'WorkflowDeleted' }); // final state: the actor stops and leaves the system
        this.disarm(id, true);
        this.byId.delete(id);
      }
      return;
    }
    if (!live) {
      this.adopt(id, state, vs.version);
      return;
    }
    const was = live.actor.getSnapshot().value;
    live.state = state.def === live.state.def ? state : { ...state, def: internDefinition(state.def) };
    live.version = vs.version;
    if (was !== state.status) live.actor.send({ type: state.status === 'suspended' ? 'WorkflowSuspended' : 'WorkflowResumed' });
    // A claim, a new cron or a catch-up moves the next time; an outcome alone does not.
    else if (!events || events.some((e) => e.type !== 'OccurrenceFired')) live.actor.send(REARM);
    this.syncFireTimers(live);
  }

  /** Takes a workflow loaded from the log into memory, with its actor in the workflow's status. */
  adopt(id: string, loaded: WorkflowState, version: number): void {
    const state = { ...loaded, def: internDefinition(loaded.def) };
    const snapshot = this.machine.resolveState({ value: state.status, context: { workflowId: id } });
    const actor = createActor(this.machine, { snapshot, input: { workflowId: id }, parent: this.system });
    const live: LiveWorkflow = { id, state, version, actor };
    this.byId.set(id, live);
    actor.start();
    actor.send(REARM); // a restored snapshot does not re-run entry actions

    this.syncFireTimers(live);
  }

  /** Asks the workflow's actor to arm its claim timer again: it does so only while active. */
  rearm(live: LiveWorkflow): void {
    live.actor.send(REARM);
  }

  /** A workflow made live before the engine ran (no timer could be armed then) gets its timers now. */
  wake(live: LiveWorkflow): void {
    live.actor.send(REARM);
    this.syncFireTimers(live);
  }

  /** Whether the workflow is active, as its actor (the one source of its live status) says. */
  active(live: LiveWorkflow): boolean {
    return live.actor.getSnapshot().value === 'active';
  }

  /** Cancels the claim timer (and the fire timers too, when `fires`) of every workflow (stop). */
  disarmAll(): void {
    for (const id of this.byId.keys()) this.disarm(id, true);
  }

  /** Forgets every workflow: their actors belong to this object's actor system and go with it. */
  clear(): void {
    this.byId.clear();
  }

  /**
   * A pause with an end resumes itself: the workflow's timer (the claim timer's slot, unused while suspended) waits
   * for `resumeAt`, and the resume goes through the command handler like a user's, with freshet as the actor. An
   * engine that lost the race to another (several engines, one log) finds it active and lets it be.
   */
  private armResume(id: string): void {
    const live = this.byId.get(id);
    if (!live || !this.running) return;
    this.claims.disarm(live);
    const at = live.state.resumeAt;
    if (at === undefined) return;
    live.claimTimer = this.wheel.at(at, () => {
      const reason = `the pause until ${new Date(at).toISOString()} ended`;
      const resume = (now: number) => ({ type: 'ResumeWorkflow', now, engineId: this.engineId, misfireThresholdMs: this.misfireThresholdMs }) as const;
      this.execute(id, id, resume, { actor: 'freshet', reason }).catch((error: unknown) => {
        if (!(error instanceof WorkflowError && error.code === 'WORKFLOW_ALREADY_ACTIVE')) this.report(error, `resume ${id}`);
      });
    });
  }

  private disarm(id: string, fires = false): void {
    const live = this.byId.get(id);
    if (!live) return;
    this.claims.disarm(live);
    if (fires) this.fires.disarm(live);
  }

  private syncFireTimers(live: LiveWorkflow): void {
    this.fires.sync(live);
  }
}
