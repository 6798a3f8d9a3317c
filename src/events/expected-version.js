// @ts-check
// Plain JavaScript (type-checked through JSDoc) because the SQLite writer thread runs it too, and a worker thread
// starts without the TypeScript loader (registering one there costs ~400 ms per store).

/**
 * True when a stream at `actual` satisfies `expected` (versions count events; 0 = no stream).
 * @param {import('./types.ts').ExpectedVersion} expected
 * @param {number} actual
 * @returns {boolean}
 */
export function satisfiesExpected(expected, actual) {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 0;
    case 'stream_exists':
      return actual > 0;
    default:
      return actual === expected;
  }
}

/**
 * Idempotent retries. A client that timed out does not know whether its append landed, so it sends the same
 * events (same ids) again. When those ids already sit where the append would have put them, the append is a
 * no-op answering the original result, instead of a conflict or a duplicate:
 * - a numeric / 'no_stream' expectation points at versions expected+1 … expected+count, even if the stream
 *   has moved on since (as EventStoreDB does);
 * - 'any' / 'stream_exists' have no place, so the events must be the stream's tail.
 * Only appends whose ids were all given by the caller can be retries.
 *
 * Returns the first version of the slice to compare with, or undefined when the append cannot be a retry
 * (so adapters read nothing in the common case of a fresh append at the expected version).
 * @param {import('./types.ts').ExpectedVersion} expected
 * @param {number} actual
 * @param {number} count
 * @param {boolean} idsGiven
 * @returns {number | undefined}
 */
export function retrySliceStart(expected, actual, count, idsGiven) {
  if (!idsGiven || count === 0) return undefined;
  if (expected === 'any' || expected === 'stream_exists') return actual >= count ? actual - count + 1 : undefined;
  const base = expected === 'no_stream' ? 0 : expected;
  if (base === actual) return undefined;
  return actual >= base + count ? base + 1 : undefined;
}

/**
 * @param {readonly string[]} newIds
 * @param {readonly string[]} storedIds
 * @returns {boolean}
 */
export function sameIds(newIds, storedIds) {
  return newIds.length === storedIds.length && newIds.every((id, index) => storedIds[index] === id);
}
