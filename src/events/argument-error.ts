import { EventStoreError } from './errors.ts';

/** A call to the store was malformed (bad stream name, event or option); the message says what to fix. */
export class EventStoreArgumentError extends EventStoreError {
  override name = 'EventStoreArgumentError';
}
