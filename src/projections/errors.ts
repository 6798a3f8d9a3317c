/**
 * The read model does not belong to the log beside it: it is ahead of the log, or was built from another one.
 * Never repaired automatically, because which side is right is the operator's call: a lost log is restored from a
 * backup, a stale or foreign read model is rebuilt from the log.
 */
export class ReadModelMismatchError extends Error {
  override name = 'ReadModelMismatchError';
}
