import {
  DeadlineExceededError,
  NotLeaderError,
  StreamDeletedError,
  StreamNotFoundError as EsdbStreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { EventStoreError, StoreUnavailableError, StreamNotFoundError, VersionConflictError } from '../../errors.ts';
import type { ExpectedVersion } from '../../types.ts';
import { toVersion } from './mapping.ts';

/** gRPC status codes that mean "the server could not be reached or did not answer", not "you asked wrongly". */
const UNREACHABLE_CODES = new Set([
  1, // CANCELLED (the channel was torn down under the call)
  4, // DEADLINE_EXCEEDED
  14, // UNAVAILABLE
]);

const UNREACHABLE_MESSAGE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|UNAVAILABLE|Failed to discover/;

/**
 * The host part of a connection string, for error messages: `esdb://user:pass@h1:2113,h2:2113?tls=false`
 * → `h1:2113,h2:2113`. Credentials never reach a message.
 */
export const hostOf = (connectionString: string): string => {
  const afterScheme = connectionString.replace(/^[a-z+]+:\/\//i, '');
  const afterCredentials = afterScheme.slice(afterScheme.lastIndexOf('@') + 1);
  return afterCredentials.split(/[/?]/)[0] || connectionString;
};

/**
 * Unreachable-server failures come in several shapes: the client's own UnavailableError / DeadlineExceededError /
 * NotLeaderError, but also (measured: appendToStream with nothing listening) a raw gRPC ServiceError with
 * `code: 14`, which is no CommandError at all.
 */
export const isUnreachable = (error: unknown): boolean => {
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError
  ) {
    return true;
  }
  if (!(error instanceof Error)) return false;
  const code: unknown = Reflect.get(error, 'code');
  if (typeof code === 'number' && UNREACHABLE_CODES.has(code)) return true;
  if (typeof code === 'string' && UNREACHABLE_MESSAGE.test(code)) return true;
  return UNREACHABLE_MESSAGE.test(error.message);
};

export interface ErrorContext {
  host: string;
  streamName?: string;
  expected?: ExpectedVersion;
}

/** Translates whatever the client threw into the port's typed errors; anything unrecognised passes through. */
export const mapError = (error: unknown, context: ErrorContext): unknown => {
  if (error instanceof EventStoreError) return error;
  if (error instanceof WrongExpectedVersionError) {
    // The caller's own expectation is reported as given (0 and 'no_stream' both reach the server as NO_STREAM).
    const expected = context.expected ?? 'any';
    return new VersionConflictError(context.streamName ?? error.streamName, expected, toVersion(error.actualVersion));
  }
  if (error instanceof EsdbStreamNotFoundError) return new StreamNotFoundError(context.streamName ?? error.streamName);
  if (error instanceof StreamDeletedError) {
    return new EventStoreError(
      `Stream '${error.streamName}' was permanently deleted (tombstoned) in EventStoreDB; its name cannot be used again.`,
      { cause: error },
    );
  }
  if (isUnreachable(error)) {
    const reason = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(
      `EventStoreDB at ${context.host} is unavailable (${reason}). Check that the server is running and that the connection string points at it.`,
      { cause: error },
    );
  }
  return error;
};
