import { setup } from 'xstate';

/** What the live actor hears: the status-changing facts of its stream, after they are durably appended. */
export type WorkflowMachineEvent =
  | { type: 'WorkflowSuspended' }
  | { type: 'WorkflowResumed' }
  | { type: 'WorkflowDeleted' }
  /**
   * The next nominal fire time moved (a claim, a new cron, a catch-up) or the engine wants its timer back (after a
   * wake that found nothing to claim): re-arm the timer. While suspended it arms only the timer that ends a pause,
   * so a suspended workflow's claim timer cannot be armed by anyone.
   */
  | { type: 'Rearm' };

export interface WorkflowMachineContext {
  workflowId: string;
}

/**
 * A workflow's lifecycle, and the engine's one source of its live status. The timer lives in `active` only —
 * armed on entry and on every Rearm, disarmed on exit — so a suspended or deleted workflow cannot fire by
 * construction. The engine provides the two actions; the defaults do nothing, which
 * keeps the machine usable as a pure model (`transition`) in tests.
 */
export const workflowMachine = setup({
  types: {
    context: {} as WorkflowMachineContext,
    input: {} as WorkflowMachineContext,
    events: {} as WorkflowMachineEvent,
  },
  actions: {
    armTimer: (_: { context: WorkflowMachineContext }) => {},
    armResume: (_: { context: WorkflowMachineContext }) => {},
    disarmTimer: (_: { context: WorkflowMachineContext }) => {},
  },
}).createMachine({
  id: 'workflow',
  context: ({ input }) => ({ workflowId: input.workflowId }),
  initial: 'active',
  states: {
    active: {
      entry: 'armTimer',
      exit: 'disarmTimer',
      on: {
        WorkflowSuspended: 'suspended',
        WorkflowDeleted: 'deleted',
        // Not a re-entry: arming replaces the timer, and at 10,000 claims a second exit + entry is measurable.
        Rearm: { actions: 'armTimer' },
      },
    },
    // A pause with an end (`until`) has a timer too: the one that resumes it.
    suspended: {
      entry: 'armResume',
      exit: 'disarmTimer',
      on: { WorkflowResumed: 'active', WorkflowDeleted: 'deleted', Rearm: { actions: 'armResume' } },
    },
    deleted: { type: 'final' },
  },
});

export type WorkflowMachine = typeof workflowMachine;
