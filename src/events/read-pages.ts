import type { EventStore, LogFilter, RecordedEvent } from './types.ts';

export interface ReadPagesOptions {
  /** Exclusive, as in readAll. */
  after?: number;
  filter?: LogFilter;
  /** Events per page (default 5,000): small pages keep each read's allocation, and the GC's work, small. */
  pageSize?: number;
}

/**
 * The log from `after` to its head, a page at a time: every loop that reads the log at start (the engine's load,
 * the refresh manager's, a rebuild) reads it this way, so none holds the whole log in memory at once. The last
 * page is the first one shorter than `pageSize`.
 */
export async function* readPages(store: EventStore, options: ReadPagesOptions = {}): AsyncGenerator<RecordedEvent[]> {
  const pageSize = options.pageSize ?? 5_000;
  let after = options.after ?? 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize, ...(options.filter ? { filter: options.filter } : {}) });
    if (page.length > 0) {
      after = page[page.length - 1]!.position;
      yield page;
    }
    if (page.length < pageSize) return;
  }
}
