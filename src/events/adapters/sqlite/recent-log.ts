import { matchesFilter, type NormalizedFilter } from '../../filter.ts';
import type { LogPage } from '../../live-log.ts';
import type { CommittedAppend } from './group-commit.ts';
import { recordedOf } from './rows.ts';
import type { EventRow } from './statements.ts';

/** Commits kept at most: subscribers read a commit in the turn it is announced, or a few turns later when it is large. */
const COMMITS_KEPT = 3;

interface Segment {
  /** Position of rows[0]; rows hold consecutive positions. */
  lo: number;
  rows: EventRow[];
}

/**
 * The rows this process committed last, as the log holds them, so its own subscriptions read them from memory
 * instead of reading back and re-parsing what it has just written (at 20,000 events a second that read was the
 * largest cost on the main thread after garbage collection). A page is served from here only where the rows
 * are known to be the whole log: from a position at or just before a segment up to its end, since the
 * positions of one commit are consecutive and nothing else can sit between them. Anything else (another
 * process's appends, an older position) is read from SQLite.
 */
export class RecentLog {
  private commits: Segment[][] = [];

  /** One commit's appends, in commit order. */
  add(appends: readonly CommittedAppend[], recordedAt: string): void {
    const segments: Segment[] = [];
    let current: Segment | undefined;
    for (const { streamName, events, first, nextVersion } of appends) {
      if (first === 0) continue;
      if (!current || current.lo + current.rows.length !== first) segments.push((current = { lo: first, rows: [] }));
      const version = nextVersion - events.length;
      events.forEach((e, i) =>
        current!.rows.push([first + i, streamName, version + i + 1, e.id, e.type, e.schemaVersion, e.dataJson, e.metadataJson, recordedAt, 0]), // checksum: verified only when read back from the file
      );
    }
    this.commits.push(segments);
    if (this.commits.length > COMMITS_KEPT) this.commits.shift();
  }

  clear(): void {
    this.commits = [];
  }

  /** Forgets the commits every subscriber has read past (they hold thousands of rows at high rates). */
  forgetUpTo(position: number): void {
    while (this.commits.length > 0 && this.commits[0]!.every(({ lo, rows }) => lo + rows.length - 1 <= position)) this.commits.shift();
  }

  /** The next page after `after` from memory (limit < 0: no limit), or undefined when memory cannot vouch for it. */
  page(after: number, limit: number, filter: NormalizedFilter): LogPage | undefined {
    const max = limit < 0 ? Infinity : limit;
    for (const segments of this.commits) {
      for (const { lo, rows } of segments) {
        if (after < lo - 1 || after >= lo + rows.length - 1) continue;
        const events = [];
        let scannedTo = after;
        for (let i = after - lo + 1; i < rows.length && events.length < max; i++) {
          const row = rows[i]!;
          scannedTo = row[0];
          if (matchesFilter(filter, row[1], row[4])) events.push(recordedOf(row));
        }
        return { events, scannedTo };
      }
    }
    return undefined;
  }
}
