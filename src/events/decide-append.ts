import { VersionConflictError } from './errors.ts';
import type { EventStore, NewEvent } from './types.ts';

/** A stream's state as some reader folded it, and the version (events counted, 0 = no stream) it was folded at. */
export interface Versioned<S> {
  state: S;
  version: number;
}

/** A cached state that carries its own version (undefined: the stream does not exist yet). */
export function atOwnVersion<S extends { version: number }>(state: S | undefined): Versioned<S | undefined> {
  return { state, version: state?.version ?? 0 };
}

export interface Decision<S, E> {
  store: EventStore;
  stream: string;
  /**
   * Step 1: the state to decide on. `fresh` is false on the first attempt (a writer may answer from its cache)
   * and true after a conflict, when only the log itself will do.
   */
  read(fresh: boolean): Versioned<S> | Promise<Versioned<S>>;
  /** Step 2, pure: the events `state` leads to at `now` (none: nothing is appended). May throw to refuse. */
  decide(state: S, now: number): readonly E[];
  /** The events in their envelopes (type, schema version, metadata), as the store takes them. */
  envelopes(events: readonly E[], now: number): NewEvent[];
  now(): number;
  /**
   * How many times to decide in all. Deciding again on fresh state is safe only when `decide` holds every rule
   * of the decision; a writer whose checks ran outside it (a CREATE checked against the warehouse) passes 1, and
   * the conflict reaches its caller with nothing written.
   */
  attempts?: number;
}

export interface Appended<S, E> {
  events: readonly E[];
  /** What the decision was made on. */
  before: Versioned<S>;
  /** The stream's version after the append (before.version when nothing was appended). */
  version: number;
  /** Global position of the last event appended (0 when nothing was appended). */
  position: number;
}

const ATTEMPTS = 5;

/**
 * The one write path of every stream freshet owns (workflows, operations, tables), emmett's command handler in
 * four steps: read, decide, append at the version the decision was made on, and retry only on a version
 * conflict — someone else appended in between, so the decision is taken again on what they wrote.
 */
export async function decideAndAppend<S, E>(d: Decision<S, E>): Promise<Appended<S, E>> {
  const attempts = d.attempts ?? ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    const before = await d.read(attempt > 1); // 1. read
    const at = d.now();
    const events = d.decide(before.state, at); // 2. decide
    if (events.length === 0) return { events, before, version: before.version, position: 0 };
    try {
      const result = await d.store.appendToStream(d.stream, d.envelopes(events, at), { expectedVersion: before.version }); // 3. append
      return { events, before, version: result.nextExpectedVersion, position: result.position };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= attempts) throw error; // 4. retry on conflict only
    }
  }
}
