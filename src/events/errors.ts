import type { ExpectedVersion } from './types.ts';

/** Base of the store's typed errors, so callers can tell them from programming errors. */
export class EventStoreError extends Error {
  override name = 'EventStoreError';
}

export class VersionConflictError extends EventStoreError {
  override name = 'VersionConflictError';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedVersion,
    /** The stream's real version (0 when it does not exist). */
    readonly actual: number,
  ) {
    super(`Stream '${streamName}' was expected at version ${String(expected)} but is at version ${actual}.`);
  }
}

export class StreamNotFoundError extends EventStoreError {
  override name = 'StreamNotFoundError';
  constructor(readonly streamName: string) {
    super(`Stream '${streamName}' does not exist.`);
  }
}

export class StoreUnavailableError extends EventStoreError {
  override name = 'StoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The store's file or contents failed an integrity check; nothing was changed. */
export class StoreCorruptedError extends EventStoreError {
  override name = 'StoreCorruptedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The store cannot remove archived events (retention) yet; nothing was removed. */
export class RetentionUnsupportedError extends EventStoreError {
  override name = 'RetentionUnsupportedError';
  constructor(readonly store: string) {
    super(`Retention is not yet available on the ${store} event store: nothing was archived or removed. Archive a SQLite store (the default), or keep the whole log.`);
  }
}
