import { setup, transition, type SnapshotFrom } from 'xstate';
import { IllegalOperationTransitionError, type OperationStatus } from './status.ts';

/** Commands that move an operation; each names the status it leads to. */
export type OperationMachineEvent =
  | { type: 'SUBMIT' } // → PENDING
  | { type: 'START' } // → RUNNING
  | { type: 'FINISH' } // → FINISHED
  | { type: 'CANCEL' } // → CANCELED
  | { type: 'FAIL' } // → ERROR
  | { type: 'TIME_OUT' } // → TIMEOUT
  | { type: 'CLOSE' }; // → CLOSED

const TARGET: Record<OperationMachineEvent['type'], OperationStatus> = {
  SUBMIT: 'PENDING',
  START: 'RUNNING',
  FINISH: 'FINISHED',
  CANCEL: 'CANCELED',
  FAIL: 'ERROR',
  TIME_OUT: 'TIMEOUT',
  CLOSE: 'CLOSED',
};

/** What every non-terminal status may still become, besides its own next step (Flink's table). */
const ENDINGS = { CANCEL: 'CANCELED', CLOSE: 'CLOSED', TIME_OUT: 'TIMEOUT', FAIL: 'ERROR' } as const;

/**
 * Flink's operation lifecycle and nothing more: INITIALIZED→PENDING→RUNNING→FINISHED, any non-terminal status may
 * end CANCELED, CLOSED, TIMEOUT or ERROR, and every terminal status but CLOSED may only be CLOSED. An event a state
 * does not name is an illegal transition (see `nextOperationStatus`).
 */
export const operationMachine = setup({
  types: { events: {} as OperationMachineEvent },
}).createMachine({
  id: 'operation',
  initial: 'INITIALIZED',
  states: {
    INITIALIZED: { on: { SUBMIT: 'PENDING', ...ENDINGS } },
    PENDING: { on: { START: 'RUNNING', ...ENDINGS } },
    RUNNING: { on: { FINISH: 'FINISHED', ...ENDINGS } },
    FINISHED: { on: { CLOSE: 'CLOSED' } },
    CANCELED: { on: { CLOSE: 'CLOSED' } },
    ERROR: { on: { CLOSE: 'CLOSED' } },
    TIMEOUT: { on: { CLOSE: 'CLOSED' } },
    CLOSED: { type: 'final' },
  },
});

export type OperationMachine = typeof operationMachine;

const snapshotAt = (status: OperationStatus): SnapshotFrom<OperationMachine> => operationMachine.resolveState({ value: status, context: {} });

/** Whether Flink allows `event` from `status`. */
export function canApply(status: OperationStatus, event: OperationMachineEvent): boolean {
  return snapshotAt(status).can(event);
}

/**
 * XState's answer for each (status, event) pair, asked once: the machine is the lifecycle's one definition, but a
 * `transition` builds an actor each call (~25 µs), and folding a million operations at a start asks it millions of
 * times. `null`: the machine refuses it.
 */
const NEXT = new Map<string, OperationStatus | null>();

/**
 * The status after `event`, as XState's pure `transition` of the machine gives it; throws Flink's message for an
 * illegal one, so no caller can record a transition Flink would refuse.
 */
export function nextOperationStatus(status: OperationStatus, event: OperationMachineEvent, operationHandle: string): OperationStatus {
  const key = `${status} ${event.type}`;
  let next = NEXT.get(key);
  if (next === undefined) {
    const snapshot = snapshotAt(status);
    next = snapshot.can(event) ? (transition(operationMachine, snapshot, event)[0].value as OperationStatus) : null;
    NEXT.set(key, next);
  }
  if (next === null) throw new IllegalOperationTransitionError(status, TARGET[event.type], operationHandle);
  return next;
}
