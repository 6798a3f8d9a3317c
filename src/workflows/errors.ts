/** Domain errors carry a stable code (for the REST error catalog) and Flink's wording where Flink has one. */
export type WorkflowErrorCode =
  | 'WORKFLOW_NOT_FOUND'
  | 'WORKFLOW_ALREADY_EXISTS'
  | 'WORKFLOW_ALREADY_SUSPENDED'
  | 'WORKFLOW_ALREADY_ACTIVE'
  | 'WORKFLOW_NOT_ACTIVE'
  | 'INVALID_WORKFLOW_ARGUMENT';

export class WorkflowError extends Error {
  override name = 'WorkflowError';
  constructor(
    readonly code: WorkflowErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const jobKey = (group: string, name: string): string => `${group}.${name}`;
