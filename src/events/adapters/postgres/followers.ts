import { Observable, type Subscriber } from 'rxjs';
import { StoreUnavailableError } from '../../errors.ts';
import type { NormalizedFilter } from '../../filter.ts';
import type { LogPage } from '../../live-log.ts';
import type { RecordedEvent } from '../../types.ts';

export type ReadPage = (after: number, limit: number, filter: NormalizedFilter) => Promise<LogPage>;

const PAGE_SIZE = 500;

interface Follower {
  wake(): void;
  end(error?: Error): void;
}

/**
 * Catch-up-then-live subscriptions over a log read asynchronously. A wake-up (a notification, a poll, a local
 * commit) only says "the log may have grown": each follower reads on from its own cursor, so a wake-up that lies,
 * comes twice or never comes can delay an event but never lose or repeat one. One read at a time per follower.
 */
export class Followers {
  private readonly all = new Set<Follower>();

  constructor(
    private readonly readPage: ReadPage,
    /** Told whenever the number of followers changes (to start or stop watching the log). */
    private readonly onCount: (count: number) => void,
  ) {}

  get size(): number {
    return this.all.size;
  }

  follow(after: number, filter: NormalizedFilter): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => {
      const follower = this.create(after, filter, subscriber);
      this.all.add(follower);
      this.onCount(this.all.size);
      follower.wake();
      return () => {
        this.all.delete(follower);
        this.onCount(this.all.size);
      };
    });
  }

  wakeAll(): void {
    for (const follower of this.all) follower.wake();
  }

  endAll(error?: Error): void {
    const all = [...this.all];
    this.all.clear();
    this.onCount(0);
    for (const follower of all) follower.end(error);
  }

  private create(after: number, filter: NormalizedFilter, subscriber: Subscriber<RecordedEvent>): Follower {
    let cursor = after;
    let reading = false;
    let again = false;
    const read = async (): Promise<void> => {
      reading = true;
      try {
        do {
          again = false;
          let page: LogPage;
          do {
            page = await this.readPage(cursor, PAGE_SIZE, filter);
            for (const event of page.events) {
              if (subscriber.closed) return;
              cursor = event.position;
              subscriber.next(event);
            }
            cursor = Math.max(cursor, page.scannedTo);
          } while (page.events.length === PAGE_SIZE && !subscriber.closed);
        } while (again && !subscriber.closed);
      } catch (error) {
        this.all.delete(follower);
        this.onCount(this.all.size);
        subscriber.error(
          error instanceof StoreUnavailableError ? error : new StoreUnavailableError('Reading the event log for a subscription failed.', { cause: error }),
        );
      } finally {
        reading = false;
      }
    };
    const follower: Follower = {
      wake: () => {
        if (subscriber.closed) return;
        if (reading) again = true;
        else void read();
      },
      end: (error) => (error === undefined ? subscriber.complete() : subscriber.error(error)),
    };
    return follower;
  }
}
