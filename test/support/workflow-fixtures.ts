import { evolve, type WorkflowCommand, type WorkflowDefinition, type WorkflowEvent, type WorkflowState, decide } from '../../src/workflows/index.ts';
import { expect } from 'vitest';

export const T0 = Date.parse('2026-03-02T10:00:00.000Z');
export const SECOND = 1000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const definition = (over: Partial<WorkflowDefinition> = {}): WorkflowDefinition => ({
  workflowId: 'wf-1',
  workflowName: 'quartz_job_`c`.`d`.`t`',
  workflowGroup: 'default_group',
  tableIdentifier: '`c`.`d`.`t`',
  cronExpression: '0 0/15 * * * ? *',
  timeZone: 'UTC',
  misfirePolicy: 'fire-all',
  catchUpWindowMs: DAY,
  initConfig: {},
  executionConfig: {},
  dynamicOptions: {},
  ...over,
});

export const created = (over: Partial<WorkflowDefinition> = {}, at = T0): WorkflowEvent => ({
  type: 'WorkflowCreated',
  data: { ...definition(over), createdAt: at },
});

export const fold = (events: readonly WorkflowEvent[]): WorkflowState | undefined =>
  events.reduce<WorkflowState | undefined>((s, e) => evolve(s, e, { actor: 'test' }), undefined);

/** Given past events, when a command, then new events (or an error): the decider's specification shape. */
export function given(history: readonly WorkflowEvent[]) {
  return {
    when(command: WorkflowCommand) {
      const run = () => decide(command, fold(history), 'default_group.quartz_job_`c`.`d`.`t`');
      return {
        then: (expected: WorkflowEvent[]) => expect(JSON.parse(JSON.stringify(run()))).toEqual(expected),
        thenNothingHappened: () => expect(run()).toEqual([]),
        thenThrows: (message: string | RegExp) => expect(run).toThrow(message),
        events: run,
      };
    },
  };
}
