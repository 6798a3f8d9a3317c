/** Flink's `OperationStatus`, by name. */
export const OPERATION_STATUSES = ['INITIALIZED', 'PENDING', 'RUNNING', 'FINISHED', 'CANCELED', 'CLOSED', 'ERROR', 'TIMEOUT'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

const TERMINAL: ReadonlySet<OperationStatus> = new Set(['FINISHED', 'CANCELED', 'CLOSED', 'ERROR', 'TIMEOUT']);

/** Flink's `OperationStatus.isTerminalStatus()`. */
export const isTerminalStatus = (status: OperationStatus): boolean => TERMINAL.has(status);

/** Flink's `SqlGatewayException` text for a transition `OperationStatus.isValidStatusTransition` refuses. */
export class IllegalOperationTransitionError extends Error {
  override name = 'IllegalOperationTransitionError';
  constructor(
    readonly from: OperationStatus,
    readonly to: OperationStatus,
    readonly operationHandle: string,
  ) {
    super(`Failed to convert the Operation Status from ${from} to ${to} for ${operationHandle}.`);
  }
}
