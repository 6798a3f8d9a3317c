import { setImmediate } from 'node:timers';
import { Observable, type Subscriber } from 'rxjs';
import { StoreUnavailableError } from './errors.ts';
import type { NormalizedFilter } from './filter.ts';
import type { RecordedEvent } from './types.ts';

/** One page of the log after a position, and how far the adapter looked (so filtered-out events are not re-read). */
export interface LogPage {
  events: RecordedEvent[];
  /** Every event up to here has been considered; the next page starts strictly after it. */
  scannedTo: number;
}

export type ReadPage = (after: number, limit: number, filter: NormalizedFilter) => LogPage;

const PAGE_SIZE = 500;

interface Follower {
  pump(): void;
  end(error?: Error): void;
  /** Everything up to here has been delivered. */
  readonly cursor: number;
}

/**
 * Catch-up-then-live subscriptions over a log an adapter can read synchronously (memory, SQLite).
 * Catch-up and live share one cursor per subscriber: a notification only says "the log may have grown", and the
 * subscriber reads on from its last position, so an append racing the catch-up is neither lost nor repeated.
 */
export class LiveLog {
  private readonly followers = new Set<Follower>();

  constructor(private readonly readPage: ReadPage) {}

  get size(): number {
    return this.followers.size;
  }

  follow(after: number, filter: NormalizedFilter, onChange: () => void): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => {
      const follower = this.createFollower(after, filter, subscriber);
      this.followers.add(follower);
      onChange();
      follower.pump();
      return () => {
        this.followers.delete(follower);
        onChange();
      };
    });
  }

  /** The position every follower has read up to (Infinity with none): an adapter may forget what lies below. */
  slowest(): number {
    let min = Infinity;
    for (const follower of this.followers) min = Math.min(min, follower.cursor);
    return min;
  }

  /** The log may have grown: every follower reads on from where it stopped. */
  notify(): void {
    for (const follower of [...this.followers]) follower.pump();
  }

  /** Completes (or errors) every subscription, e.g. when the store closes. */
  endAll(error?: Error): void {
    const all = [...this.followers];
    this.followers.clear();
    for (const follower of all) follower.end(error);
  }

  private createFollower(after: number, filter: NormalizedFilter, subscriber: Subscriber<RecordedEvent>): Follower {
    let cursor = after;
    let pumping = false;
    let again = false;
    let yielded = false;
    const readPage = this.readPage;
    const pump = (): void => {
      if (subscriber.closed) return;
      if (pumping || yielded) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          const page = readPage(cursor, PAGE_SIZE, filter);
          for (const event of page.events) {
            if (subscriber.closed) return;
            cursor = event.position;
            subscriber.next(event);
          }
          cursor = Math.max(cursor, page.scannedTo);
          if (page.events.length === PAGE_SIZE) {
            // A long catch-up yields between pages so appends and other work are not starved.
            yielded = true;
            setImmediate(() => {
              yielded = false;
              pump();
            });
            return;
          }
        } while (again && !subscriber.closed);
      } catch (error) {
        this.followers.delete(follower);
        subscriber.error(
          error instanceof StoreUnavailableError ? error : new StoreUnavailableError('Reading the event log for a subscription failed.', { cause: error }),
        );
      } finally {
        pumping = false;
      }
    };
    const follower: Follower = {
      pump,
      end: (error) => (error === undefined ? subscriber.complete() : subscriber.error(error)),
      get cursor() {
        return cursor;
      },
    };
    return follower;
  }
}
