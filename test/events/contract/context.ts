import type { EventStore, RecordedEvent } from '../../../src/events/index.ts';

/** What each section of the contract gets from the suite: the store under test and this test's namespace. */
export interface ContractContext {
  store(): EventStore;
  /** This test's own stream-name prefix: the store may hold other data (EventStoreDB keeps it between runs). */
  ns(): string;
  /** The head position seen before this test wrote anything. */
  head0(): number;
  stream(name: string): string;
  /** Only this test's events. */
  mine(events: RecordedEvent[]): RecordedEvent[];
}
