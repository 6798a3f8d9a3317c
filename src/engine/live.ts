import type { Subscription } from 'rxjs';
import type { Actor } from 'xstate';
import type { WorkflowMachine, WorkflowState } from '../workflows/index.ts';

/**
 * One workflow the engine holds in memory. Kept lean on purpose (the figure is heap per idle workflow): the
 * actor shares the engine's actor system, and fire timers exist only between a claim and its fire.
 */
export interface LiveWorkflow {
  id: string;
  state: WorkflowState;
  version: number;
  actor: Actor<WorkflowMachine>;
  /** The workflow's one timer: its next claim while active, the end of its pause while suspended. */
  claimTimer?: Subscription;
  /** A claim's fire timer, from the claim until its outcome is applied (after the fire, a spent marker). */
  fireTimers?: Map<number, Subscription>;
}
