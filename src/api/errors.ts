import { EventStoreArgumentError, StoreUnavailableError, StreamNotFoundError, VersionConflictError } from '../events/index.ts';
import { WorkflowError, type WorkflowErrorCode } from '../workflows/index.ts';
import {
  FlinkExecutionError,
  FlinkSyntaxError,
  type FlinkValidationCode,
  FlinkValidationError,
  IllegalOperationTransitionError,
  QueryCancelledError,
  StatementNotAllowedError,
  TableNotFoundError,
  WarehouseClosedError,
  WarehouseError,
} from '../refresh/index.ts';
import { CronExpressionError } from '../cron/index.ts';
import { GatewayNotAllowedError } from '../flink-gateway-client/index.ts';
import { OperationNotFoundError, SessionNotFoundError, StatementFailedError, TokenOutOfRangeError } from './flink/index.ts';

/** What went wrong, by kind; only `toHttp` below knows which status each kind is. */
export type FailureKind = 'invalid' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'too-large' | 'unsupported' | 'unavailable';

/** A mistake the HTTP edge itself detects (a bad query value, a PATCH with nothing to change). */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

export interface Failure {
  kind: FailureKind;
  message: string;
}

const WORKFLOW_KINDS: Record<WorkflowErrorCode, FailureKind> = {
  WORKFLOW_NOT_FOUND: 'not-found',
  WORKFLOW_ALREADY_EXISTS: 'conflict',
  WORKFLOW_ALREADY_SUSPENDED: 'conflict',
  WORKFLOW_ALREADY_ACTIVE: 'conflict',
  WORKFLOW_NOT_ACTIVE: 'conflict',
  INVALID_WORKFLOW_ARGUMENT: 'invalid',
};

// Flink words "no such table / operation" and "not in that state" as a ValidationException too; over HTTP they
// are a 404 and a 409.
const FLINK_VALIDATION_KINDS: Record<FlinkValidationCode, FailureKind> = {
  INVALID: 'invalid',
  TABLE_NOT_FOUND: 'not-found',
  OPERATION_NOT_FOUND: 'not-found',
  TABLE_INITIALIZING: 'conflict',
  WORKFLOW_ALREADY_SUSPENDED: 'conflict',
  WORKFLOW_ALREADY_RESUMED: 'conflict',
};

/**
 * The one error catalog: a domain error keeps its own message (Flink's wording where Flink has one) and gets a
 * kind; anything not listed here is a bug or an outage and is answered generically by the error handler.
 */
export function classify(error: unknown): Failure | undefined {
  if (error instanceof ApiRequestError) return { kind: error.kind, message: error.message };
  if (error instanceof WorkflowError) return { kind: WORKFLOW_KINDS[error.code], message: error.message };
  if (error instanceof CronExpressionError) return { kind: 'invalid', message: error.message };
  if (error instanceof EventStoreArgumentError) return { kind: 'invalid', message: error.message };
  if (error instanceof VersionConflictError) return { kind: 'conflict', message: `${error.message} Another change landed first; read the workflow again and retry.` };
  if (error instanceof StreamNotFoundError) return { kind: 'not-found', message: error.message };
  if (error instanceof StoreUnavailableError) return { kind: 'unavailable', message: error.message };
  if (error instanceof SessionNotFoundError || error instanceof OperationNotFoundError) return { kind: 'not-found', message: error.message };
  if (error instanceof StatementFailedError || error instanceof TokenOutOfRangeError) return { kind: 'invalid', message: error.message };
  if (error instanceof IllegalOperationTransitionError) return { kind: 'conflict', message: error.message };
  if (error instanceof FlinkValidationError) return { kind: FLINK_VALIDATION_KINDS[error.code], message: error.message };
  if (error instanceof FlinkSyntaxError) return { kind: 'invalid', message: error.message };
  if (error instanceof FlinkExecutionError) return { kind: 'invalid', message: causeChain(error) };
  if (error instanceof TableNotFoundError) return { kind: 'not-found', message: error.message };
  if (error instanceof WarehouseClosedError) return { kind: 'unavailable', message: error.message };
  if (error instanceof StatementNotAllowedError || error instanceof GatewayNotAllowedError) return { kind: 'forbidden', message: error.message };
  if (error instanceof QueryCancelledError) return { kind: 'conflict', message: error.message };
  // Anything else DuckDB raised is about the statement the user sent (syntax, binder, constraint): DuckDB's text.
  if (error instanceof WarehouseError) return { kind: 'invalid', message: error.message };
  return fastifyFailure(error);
}


/** Flink's gateway prints an exception with its causes; each cause's message on a `Caused by:` line. */
function causeChain(error: Error): string {
  const lines = [error.message];
  for (let cause = error.cause, depth = 0; cause !== undefined && cause !== null && depth < 10; cause = cause instanceof Error ? cause.cause : undefined, depth++) {
    lines.push(`Caused by: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  return lines.join('\n');
}

const STATUS: Record<FailureKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  unsupported: 415,
  unavailable: 503,
};

export const toHttp = (kind: FailureKind): number => STATUS[kind];

interface FastifyLikeError {
  statusCode?: unknown;
  code?: unknown;
  validation?: unknown;
  validationContext?: unknown;
  message?: unknown;
}

/** Fastify's own client errors (validation, JSON syntax, body limit, content type) keep their text, as 4xx. */
function fastifyFailure(error: unknown): Failure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as FastifyLikeError;
  const message = typeof e.message === 'string' ? e.message : 'Bad request.';
  if (Array.isArray(e.validation)) return { kind: 'invalid', message: validationMessage(message) };
  if (typeof e.statusCode !== 'number' || e.statusCode < 400 || e.statusCode >= 500) return undefined;
  if (e.statusCode === 413) return { kind: 'too-large', message };
  if (e.statusCode === 415) return { kind: 'unsupported', message };
  if (e.statusCode === 404) return { kind: 'not-found', message };
  return { kind: 'invalid', message };
}

// Fastify words it "body/cronExpression must be string"; say which part of the request to fix.
function validationMessage(message: string): string {
  return `Invalid request: ${message}.`;
}
