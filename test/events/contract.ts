import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe } from 'vitest';
import type { EventStore, RecordedEvent } from '../../src/events/index.ts';
import { appendContract } from './contract/appends.ts';
import { concurrencyContract } from './contract/concurrency.ts';
import type { ContractContext } from './contract/context.ts';
import { readContract } from './contract/reads.ts';
import { roundTripContract } from './contract/round-trips.ts';
import { subscriptionContract } from './contract/subscriptions.ts';

export { collect, ev, expectIncreasing, meta, waitFor } from './contract/support.ts';

/**
 * The event-store port's contract, run by every adapter. It assumes nothing about the store's prior contents
 * (EventStoreDB keeps data and system events between runs): every test writes under its own stream-name
 * prefix, reads the log after the head it saw first, and expects positions to be strictly increasing only.
 * With `options.skip` set, every test is reported as skipped (e.g. no server configured), with the reason.
 */
export function eventStoreContract(
  adapterName: string,
  open: () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>,
  options: { skip?: boolean | string } = {},
): void {
  const why = typeof options.skip === 'string' ? ` (skipped: ${options.skip})` : '';
  const suite = options.skip ? describe.skip : describe;

  suite(`event store contract: ${adapterName}${why}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let ns: string;
    let head0: number;
    const context: ContractContext = {
      store: () => store,
      ns: () => ns,
      head0: () => head0,
      stream: (name) => `${ns}${name}`,
      mine: (events: RecordedEvent[]) => events.filter((event) => event.streamName.startsWith(ns)),
    };

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      ns = `contract${randomUUID().slice(0, 8)}-`;
      head0 = await store.headPosition();
    });
    afterEach(async () => {
      await cleanup();
    });

    appendContract(context);
    readContract(context);
    subscriptionContract(context);
    concurrencyContract(context);
    roundTripContract(context);
  });
}
