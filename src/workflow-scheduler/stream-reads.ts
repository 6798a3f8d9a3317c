import type { EventStore, RecordedEvent } from '../events/index.ts';

/**
 * Reads of one stream that never read all of it: one event by version, the version in force at an instant (by
 * bisection on the commit times, which only grow along a stream: each append commits after the one before), and
 * chunks from one end of a version range.
 */
export async function eventAt(store: EventStore, stream: string, version: number): Promise<RecordedEvent | undefined> {
  const [e] = await store.readStream(stream, { fromVersion: version, maxCount: 1 });
  return e?.version === version ? e : undefined;
}

/** The newest version in [1, head] recorded before `instant` (or at it, `inclusive`); 0 when none. */
export async function versionAtTime(store: EventStore, stream: string, head: number, instant: number, inclusive: boolean): Promise<number> {
  const before = (e: RecordedEvent | undefined): boolean => e !== undefined && (inclusive ? Date.parse(e.recordedAt) <= instant : Date.parse(e.recordedAt) < instant);
  let lo = 0; // before(lo) holds (version 0: nothing)
  let hi = head + 1; // before(hi) fails
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    // The first event kept from `mid` on: versions retention archived before it were recorded before it too, so
    // when it is before the instant, so are they (a stream with archived ranges bisects as one without).
    const [e] = await store.readStream(stream, { fromVersion: mid, maxCount: 1 });
    if (before(e)) lo = Math.min(e!.version, hi - 1);
    else hi = mid;
  }
  return lo;
}

/** Events of versions [lo, hi] from one end, in chunks, until the consumer stops. */
export async function* scanVersions(store: EventStore, stream: string, q: { lo: number; hi: number; descending: boolean; chunk: number }): AsyncGenerator<RecordedEvent[]> {
  let { lo, hi } = q;
  while (lo <= hi) {
    const count = Math.min(q.chunk, hi - lo + 1);
    const page = await store.readStream(stream, q.descending ? { direction: 'backwards', fromVersion: hi, maxCount: count } : { fromVersion: lo, maxCount: count });
    const inside = page.filter((e) => e.version >= lo && e.version <= hi);
    if (inside.length === 0) return;
    yield inside;
    if (q.descending) hi = inside.at(-1)!.version - 1;
    else lo = inside.at(-1)!.version + 1;
  }
}
