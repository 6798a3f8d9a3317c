export * from './events.ts';
export * from './commands.ts';
export * from './state.ts';
export * from './errors.ts';
export { AUTO_SUSPEND_AFTER_FAILED_FIRES, decide } from './decide.ts';
export { planCatchUp, CATCH_UP_BATCH } from './misfire.ts';
export { scheduleOf, scheduleOfSpec, type MemoCron, type ScheduleSpec } from './schedule.ts';
export { workflowMachine, type WorkflowMachine, type WorkflowMachineEvent } from './machine.ts';
export { workflowIdOf } from './identity.ts';
