export { OPERATION_STATUSES, isTerminalStatus, IllegalOperationTransitionError, type OperationStatus } from './status.ts';
export { operationMachine, canApply, nextOperationStatus, type OperationMachine, type OperationMachineEvent } from './machine.ts';
