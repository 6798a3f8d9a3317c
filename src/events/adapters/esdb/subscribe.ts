import { START, type EventStoreDBClient, type ReadPosition, type ResolvedEvent } from '@eventstore/db-client';
import { Observable, type Subscriber } from 'rxjs';
import { EventStoreError, StoreUnavailableError } from '../../errors.ts';
import { matchesFilter, type NormalizedFilter } from '../../filter.ts';
import type { RecordedEvent } from '../../types.ts';
import { mapError } from './errors.ts';
import { fromResolved, toServerFilter } from './mapping.ts';

/** `after` is exclusive everywhere in the port; ESDB reads from a position include it, subscriptions do not. */
export const positionAfter = (after: number): ReadPosition =>
  after <= 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };

/**
 * A catch-up subscription to `$all`: the server replays from `after` and then goes live, in log order.
 * Unsubscribing cancels the gRPC call. `live` lets the store complete every open subscription when it closes.
 */
export const subscribeToLog = (
  client: EventStoreDBClient,
  host: string,
  after: number,
  filter: NormalizedFilter,
  live: Set<Subscriber<RecordedEvent>>,
): Observable<RecordedEvent> =>
  new Observable<RecordedEvent>((subscriber) => {
    live.add(subscriber);
    const subscription = client.subscribeToAll({ fromPosition: positionAfter(after), filter: toServerFilter(filter) });
    subscription.on('data', (resolved: ResolvedEvent) => {
      try {
        const event = fromResolved(resolved, (streamName, type, position) => position > after && matchesFilter(filter, streamName, type));
        if (event !== undefined) subscriber.next(event);
      } catch (error) {
        subscriber.error(error);
      }
    });
    subscription.on('error', (error: unknown) => {
      const mapped = mapError(error, { host });
      subscriber.error(
        mapped instanceof EventStoreError
          ? mapped
          : new StoreUnavailableError(`The subscription to EventStoreDB at ${host} failed: ${String(mapped)}`, { cause: mapped }),
      );
    });
    subscription.on('end', () => subscriber.complete());
    return () => {
      live.delete(subscriber);
      subscription.unsubscribe().catch(() => undefined);
    };
  });
