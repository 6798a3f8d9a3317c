import { type EventStore, type RecordedEvent, StreamNotFoundError } from '../events/index.ts';
import { ARCHIVE_STREAM, type HistoryArchivedData, isHistoryArchived } from './history-archived.ts';

export interface ArchiveCatalog {
  /** The archive stream's version: the expected version of the next HistoryArchived append. */
  version: number;
  records: RecordedEvent<string, HistoryArchivedData>[];
}

/** Every archive run the log records (its HistoryArchived events), oldest first. */
export async function archiveCatalog(store: EventStore): Promise<ArchiveCatalog> {
  try {
    const events = await store.readStream(ARCHIVE_STREAM);
    return { version: events[events.length - 1]?.version ?? 0, records: events.filter(isHistoryArchived) };
  } catch (error) {
    if (error instanceof StreamNotFoundError) return { version: 0, records: [] };
    throw error;
  }
}
