/**
 * The read model does not belong to the log beside it: it is ahead of the log, or was built from another one.
 * Never repaired automatically, because which side is right is the operator's call: a lost log is restored from a
 * backup, a stale or foreign read model is rebuilt from the log.
 */
export class ReadModelMismatchError extends Error {
  override name = 'ReadModelMismatchError';
}

/**
 * An event the read model cannot fold: its data does not parse under its schema version. Named by its place in
 * the log, so whoever looks at the file finds it (`freshet replay --verify` lists every such event).
 */
export class UnreadableEventError extends Error {
  override name = 'UnreadableEventError';

  constructor(
    readonly log: string,
    readonly position: number,
    readonly streamName: string,
    readonly problem: string,
  ) {
    super(`${log} position ${position} stream ${streamName}: ${problem}. The log was left untouched; this freshet cannot fold that event into the read model.`);
  }
}
