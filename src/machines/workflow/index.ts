export * from './events.ts';
export * from './commands.ts';
export * from './state.ts';
export * from './errors.ts';
export { decide } from './decide.ts';
export { planCatchUp, CATCH_UP_BATCH } from './catch-up.ts';
export { scheduleOf, type MemoCron } from './schedule.ts';
export { workflowMachine, machineStatus, type WorkflowMachine, type WorkflowMachineEvent } from './machine.ts';
export { workflowIdOf } from './identity.ts';
