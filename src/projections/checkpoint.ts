import type { EventStore, RecordedEvent } from '../events/index.ts';
import { ReadModelMismatchError } from './errors.ts';
import type { Checkpoint, ReadModelLocation } from './persistence.ts';

/**
 * What identifies an event across logs: its id and its commit instant. Ids alone could repeat in two logs fed the
 * same commands; the instant the store recorded each event does not.
 */
export const eventFingerprint = (e: RecordedEvent): string => `${e.id} recorded at ${e.recordedAt}`;

/**
 * Refuses a read model that does not belong to `store`: its checkpoint is past the log's head (the log was lost,
 * emptied or replaced by an older copy), or the event at its checkpoint is not the one it applied (another log).
 */
export async function checkCheckpoint(store: EventStore, checkpoint: Checkpoint, where: ReadModelLocation): Promise<void> {
  if (checkpoint.position === 0) return;
  const rebuild = `freshet replay --rebuild${where.storeArgs ? ` ${where.storeArgs}` : ''}`;
  const head = await store.headPosition();
  if (head < checkpoint.position) {
    throw new ReadModelMismatchError(
      `The read model ${where.readModel} is ahead of its event log ${where.log}: it reflects the log up to position ${checkpoint.position}, the log ends at position ${head}. ` +
        `The log was lost, emptied or replaced by an older copy. Nothing was changed: restore the event log from a backup, ` +
        `or, to keep this log and drop what only the read model remembers, rebuild the read model from it (${rebuild}).`,
    );
  }
  if (checkpoint.event === null) return; // saved before checkpoints named their event: the head check is all there is
  const [found] = await store.readAll({ after: checkpoint.position - 1, maxCount: 1 });
  const actual = found && found.position === checkpoint.position ? eventFingerprint(found) : null;
  if (actual !== checkpoint.event) {
    throw new ReadModelMismatchError(
      `The read model ${where.readModel} was built from another event log than ${where.log}: the event it last applied, at position ${checkpoint.position}, ` +
        `is ${checkpoint.event}, but the log has ${actual ?? 'no event'} there. Nothing was changed: restore the event log the read model was built from, ` +
        `or rebuild the read model from this log (${rebuild}).`,
    );
  }
}
