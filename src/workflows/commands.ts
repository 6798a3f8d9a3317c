import type { FiredData, MisfirePolicy, StringMap, WorkflowDefinition } from './events.ts';

/** Commands carry `now` (from the injected clock): the decider never reads the time itself. */
export type WorkflowCommand =
  | { type: 'CreateWorkflow'; now: number; def: WorkflowDefinition }
  /** `until`: a pause that ends by itself at that instant (the engine resumes it). */
  | { type: 'SuspendWorkflow'; now: number; engineId: string; until?: number }
  | { type: 'ResumeWorkflow'; now: number; dynamicOptions?: StringMap; misfireThresholdMs: number; engineId: string }
  | {
      type: 'ModifySchedule';
      now: number;
      cronExpression?: string;
      /** Absent: the workflow's own dialect stays. */
      cronDialect?: 'quartz' | 'unix';
      timeZone?: string;
      /** Schedule bounds (epoch ms); null removes one, absent keeps it. */
      startAt?: number | null;
      endAt?: number | null;
      misfirePolicy?: MisfirePolicy;
      catchUpWindowMs?: number;
      engineId: string;
    }
  | { type: 'TriggerWorkflow'; now: number; engineId: string }
  | { type: 'DeleteWorkflow'; now: number; engineId: string }
  /** Engine: commit to firing the next nominal time. */
  | { type: 'ClaimFire'; now: number; nominalTime: number; engineId: string }
  /** Engine: the trigger was invoked for a claimed nominal time; carries what the outcome event records. */
  | ({ type: 'RecordFired'; now: number } & FiredData)
  /**
   * Engine: a claim a dead engine left open on a workflow deleted since, whose trigger says it never submitted
   * the fire: settled as skipped, so every claim ends in an outcome.
   */
  | { type: 'AbandonClaim'; now: number; nominalTime: number; reason: 'deleted' }
  /** Engine: settle nominal times that went by unclaimed (restart, lag) or claims left by a dead engine. */
  | { type: 'CatchUp'; now: number; misfireThresholdMs: number; engineId: string };

export type WorkflowCommandType = WorkflowCommand['type'];
