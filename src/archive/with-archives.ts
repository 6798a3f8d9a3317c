import { join } from 'node:path';
import { type EventStore, matchesFilter, normalizeFilter, type NormalizedFilter, type RecordedEvent, StoreCorruptedError } from '../events/index.ts';
import { ArchiveUnreadableError, readArchive } from './archive-file.ts';
import { archiveCatalog } from './catalog.ts';
import { ARCHIVE_STREAM, type HistoryArchivedData } from './history-archived.ts';

/** One archive file read forwards, one event ahead (its events are in position order). */
class FileCursor {
  private readonly events: AsyncGenerator<unknown>;
  head: RecordedEvent | undefined;
  done = false;

  constructor(path: string) {
    this.events = readArchive(path);
  }

  async peek(): Promise<RecordedEvent | undefined> {
    while (this.head === undefined && !this.done) {
      const next = await this.events.next();
      if (next.done) this.done = true;
      else if ('position' in (next.value as object)) this.head = next.value as RecordedEvent;
    }
    return this.head;
  }

  take(): void {
    this.head = undefined;
  }
}

/**
 * The archived events of one filter, in position order, merged from every archive file. Reads move forwards (a
 * rebuild's pages): the cursors carry on from the last page, events pulled but not yet handed on wait in `ahead`,
 * and only a read that goes back starts over.
 */
class ArchivedEvents {
  private cursors: FileCursor[] = [];
  private ahead: RecordedEvent[] = [];
  /** Every event at or below it has been dropped: a read after a lower position starts over. */
  private floor = Number.POSITIVE_INFINITY;

  constructor(
    private readonly files: readonly string[],
    private readonly filter: NormalizedFilter,
  ) {}

  async page(after: number, before: number, limit: number): Promise<RecordedEvent[]> {
    if (after < this.floor) {
      this.cursors = this.files.map((f) => new FileCursor(f));
      this.ahead = [];
      this.floor = 0;
    }
    while (this.ahead.length > 0 && this.ahead[0]!.position <= after) this.ahead.shift();
    this.floor = after;
    while (limit < 0 || this.ahead.length < limit) {
      let next: FileCursor | undefined;
      for (const c of this.cursors) {
        const e = await c.peek();
        if (e && (!next || e.position < next.head!.position)) next = c;
      }
      const e = next?.head;
      if (!e || e.position >= before) break;
      next!.take();
      if (e.position > after && matchesFilter(this.filter, e.streamName, e.type)) this.ahead.push(e);
    }
    const out = this.ahead.filter((e) => e.position < before);
    return limit >= 0 ? out.slice(0, limit) : out;
  }
}

/**
 * The log with its archives: what a rebuild must fold (the workflow read model and its ledger, the refresh read
 * model), so that archiving changes no read model. readAll merges the archived events back in by position (the
 * log wins where an interrupted run left an event in both); everything else, appends and live subscriptions
 * included, is the store's own. The catalog is re-read when the archive stream moves (one indexed read per page).
 * The engine's own start reads the log alone: archiving keeps what it folds (select.ts).
 */
export function withArchives(store: EventStore, archiveDir: string): EventStore {
  let version = -1;
  let records: HistoryArchivedData[] = [];
  let files: string[] = [];
  const byFilter = new Map<string, ArchivedEvents>();
  const refresh = async (): Promise<void> => {
    const current = await store.streamVersion(ARCHIVE_STREAM);
    if (current === version) return;
    const catalog = await archiveCatalog(store);
    version = catalog.version;
    records = catalog.records.map((r) => r.data);
    files = records.map((r) => join(archiveDir, r.file));
    byFilter.clear();
  };
  return {
    ...store,
    async readAll(options) {
      await refresh();
      const after = options?.after ?? 0;
      if (records.every((r) => r.toPosition <= after)) return store.readAll(options);
      const filter = normalizeFilter(options?.filter);
      const key = JSON.stringify(filter);
      let archived = byFilter.get(key);
      if (!archived) byFilter.set(key, (archived = new ArchivedEvents(files, filter)));
      const limit = options?.maxCount ?? -1;
      const live = await store.readAll(options);
      // Archived events up to the live page's end when it is full (the next page takes the rest), else all.
      const before = limit >= 0 && live.length === limit ? live[live.length - 1]!.position : Number.POSITIVE_INFINITY;
      let old: RecordedEvent[];
      try {
        old = await archived.page(after, before, limit);
      } catch (error) {
        if (error instanceof ArchiveUnreadableError) throw new StoreCorruptedError(`${error.message} Restore the archive file from a backup (freshet replay --verify checks every one).`, { cause: error });
        throw error;
      }
      const inLog = new Set(live.map((e) => e.position));
      const merged = [...live, ...old.filter((e) => !inLog.has(e.position))].sort((a, b) => a.position - b.position);
      return limit >= 0 ? merged.slice(0, limit) : merged;
    },
  };
}
