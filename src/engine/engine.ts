import { hostname } from 'node:os';
import type { Observable, Subscription } from 'rxjs';
import { type Clock, systemClock } from '../clock/index.ts';
import type { EventStore } from '../events/index.ts';
import { WORKFLOW_STREAM_PREFIX, type WorkflowState } from '../workflows/index.ts';
import { ClaimLead } from './claim-lead.ts';
import { ClaimPath } from './claim-path.ts';
import { FirePath } from './fire-path.ts';
import type { CommandRequest } from '../events/index.ts';
import type { Commands, Handled } from './handle-command.ts';
import { type EngineEvent, EngineLifecycle } from './lifecycle.ts';
import { LiveWorkflows } from './live-workflows.ts';
import { loadAllWorkflows } from './load-all.ts';
import type { VersionedState } from './stream-state.ts';
import { TimerWheel } from './timer-wheel.ts';
import { noopTrigger, type RefreshTrigger } from './trigger.ts';

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
  /**
   * Where start() takes every workflow's state from: a read model at a log position (the engine then follows the
   * log from there), so a start costs the workflows it loads, not the log's age. Default: a fold of the whole log.
   */
  snapshot?: () => Promise<WorkflowsAt>;
}

/** Every workflow's state as of a log position, deleted ones included (their open claims still need settling). */
export interface WorkflowsAt {
  states: ReadonlyMap<string, VersionedState>;
  position: number;
}

export interface StartProgress {
  /** True once every workflow is loaded and the engine follows the log. */
  done: boolean;
  position: number;
  workflows: number;
}

/**
 * How long a fire's outcome may wait to be appended with its workflow's next claim (one append instead of two for
 * frequent crons) before it is recorded on its own.
 */
const OUTCOME_HOLD_MS = 1_000;

/**
 * Runs every workflow of one store. The loop, top to bottom:
 * 1. start: every workflow is loaded from the log into `workflows` (a live XState actor each), then the log is
 *    followed from where the load ended;
 * 2. an active workflow's actor arms its claim timer; the claim path claims the next nominal time durably, with
 *    the stream's expected version, a little before it is due (claim-path.ts);
 * 3. the claim arms a fire timer; at the nominal time the fire path invokes the trigger, and records its outcome
 *    with the workflow's next claim or on its own (fire-path.ts, outcome-hold.ts);
 * 4. user commands go through the command handler (`execute`), serialized with the engine's own appends.
 * What happens is told on `lifecycle`: claimed, fired, recorded, late.
 */
export class WorkflowEngine {
  readonly engineId: string;
  /** What the engine does to its workflows, as it happens: claims, fires, recorded outcomes, late wakes. */
  readonly lifecycle: Observable<EngineEvent>;
  private readonly store: EventStore;
  private readonly snapshot: EngineOptions['snapshot'];
  private readonly workflows: LiveWorkflows;
  /** Invoking triggers and recording their outcomes. */
  private readonly fires: FirePath;
  /** Claiming fires before their time. */
  private readonly claims: ClaimPath;
  private subscription?: Subscription;
  private loading: StartProgress = { done: false, position: 0, workflows: 0 };

  constructor(private readonly options: EngineOptions) {
    this.store = options.store;
    this.snapshot = options.snapshot;
    const clock = options.clock ?? systemClock;
    this.engineId = options.engineId ?? `${hostname()}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
    const lifecycle = new EngineLifecycle();
    this.lifecycle = lifecycle.events;
    this.workflows = new LiveWorkflows({
      store: this.store,
      clock,
      // All of this engine's timers: one Node timer per distinct due instant.
      wheel: new TimerWheel(clock),
      engineId: this.engineId,
      misfireThresholdMs: options.misfireThresholdMs ?? 60_000,
      lifecycle,
      report: (error, context) => this.report(error, context),
    });
    const lead = new ClaimLead(options.claimLeadMs ?? 250);
    const trigger = options.trigger ?? noopTrigger;
    this.fires = new FirePath(this.workflows, trigger, OUTCOME_HOLD_MS, lead);
    this.claims = new ClaimPath(this.workflows, this.fires.hold, lead, trigger);
    this.workflows.drive(this.claims, this.fires);
  }

  /** How far start() has come: the log position its load has read to, and the workflows it found. */
  get startProgress(): StartProgress {
    return this.loading;
  }

  get misfireThresholdMs(): number {
    return this.workflows.misfireThresholdMs;
  }

  async start(): Promise<void> {
    if (this.workflows.running) return;
    this.workflows.running = true;
    this.loading = { done: false, position: 0, workflows: 0 };
    const { states, position } = this.snapshot ? await this.snapshot() : await loadAllWorkflows(this.store, (at, workflows) => (this.loading = { done: false, position: at, workflows }));
    if (!this.workflows.running) return; // stopped while loading
    for (const [id, { state, version }] of states) {
      // A command that ran before the engine started (crash recovery of table commands) already made it live.
      if (state && state.status !== 'deleted') {
        const early = this.workflows.get(id);
        if (!early || early.version < version) this.workflows.adopt(id, state, version);
        else this.workflows.wake(early);
      }
      else if (state && state.pending.length > 0) this.claims.watchOrphan(id, state);
    }
    this.loading = { done: true, position, workflows: this.workflows.size };
    this.subscription = this.store.subscribe({ after: position, filter: { streamPrefix: WORKFLOW_STREAM_PREFIX } }).subscribe({
      next: (e) => this.workflows.hear(e),
      error: (err) => this.report(err, 'subscription'),
    });
  }

  /** Stops timers and waits for fires in flight and their outcomes to be recorded. Idempotent. */
  async stop(): Promise<void> {
    if (!this.workflows.running) return;
    this.workflows.running = false;
    this.subscription?.unsubscribe();
    this.workflows.disarmAll();
    for (;;) {
      await this.fires.settled();
      this.fires.hold.drain(); // now, not after the hold: nothing fired is left without its outcome
      if (this.workflows.idle && this.fires.inFlight === 0 && this.fires.hold.size === 0) break;
      await this.workflows.settled();
    }
    // The actors belong to the workflows' actor system and go with it; only a root actor may be stopped directly.
    this.workflows.clear();
  }

  get size(): number {
    return this.workflows.size;
  }

  workflow(id: string): WorkflowState | undefined {
    return this.workflows.get(id)?.state;
  }

  /** Runs a command through the handler, serialized with everything else this engine does to the workflow. */
  execute(id: string, key: string, build: (now: number, engineId: string) => Commands, meta: CommandRequest): Promise<Handled> {
    return this.workflows.execute(id, key, (now) => build(now, this.engineId), meta);
  }

  private report(error: unknown, context: string): void {
    if (this.options.onError) this.options.onError(error, context);
    else console.error(`[freshet engine] ${context}:`, error);
  }
}
