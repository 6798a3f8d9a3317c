import type { Clock } from '../clock/index.ts';
import type { EventMetadata } from '../events/index.ts';
import type { WorkflowEvent, WorkflowState } from '../workflows/index.ts';
import type { CommandMeta, Commands, Handled } from './handle-command.ts';
import type { EngineLifecycle } from './lifecycle.ts';
import type { LiveWorkflow } from './live.ts';
import { ENGINE_ACTOR } from './own-append.ts';
import type { TimerWheel } from './timer-wheel.ts';

/** The engine as its claim and fire paths see it: its workflows, their command queues and its appends. */
export interface EngineHost {
  readonly engineId: string;
  readonly clock: Clock;
  /** The engine's timers: one Node timer per due instant. */
  readonly wheel: TimerWheel;
  readonly misfireThresholdMs: number;
  readonly lifecycle: EngineLifecycle;
  liveOf(id: string): LiveWorkflow | undefined;
  isRunning(): boolean;
  /** A command or an append of the engine's own holds the workflow's stream. */
  isBusy(id: string): boolean;
  claimLeadMs(): number;
  /** Queues work behind everything else the engine does to the workflow. */
  enqueue<T>(id: string, work: () => Promise<T>): Promise<T>;
  /** A command through the handler, queued. */
  execute(id: string, key: string, build: (now: number) => Commands, meta: CommandMeta): Promise<Handled>;
  /** A command through the handler, from inside the workflow's queue. */
  run(id: string, key: string, build: (now: number) => Commands, meta: CommandMeta): Promise<Handled>;
  /**
   * Appends events decided on the live state of an idle workflow (`after`: that state with them applied), holding
   * its stream until they are applied.
   */
  appendDecided(live: LiveWorkflow, events: WorkflowEvent[], after: WorkflowState | undefined, metadata: EventMetadata, retry: () => Promise<unknown>): Promise<unknown>;
  passMetadata(now: number): EventMetadata;
  endPass(): void;
  report(error: unknown, context: string): void;
}

/** The engine's own decisions carry this actor. */
export const ENGINE_META: CommandMeta = { actor: ENGINE_ACTOR };
