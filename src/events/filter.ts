import { EventStoreArgumentError } from './argument-error.ts';
import type { LogFilter } from './types.ts';

/** A LogFilter reduced to arrays, or undefined for "match everything"; shared by every adapter. */
export interface NormalizedFilter {
  prefixes?: readonly string[];
  eventTypes?: readonly string[];
}

function strings(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new EventStoreArgumentError(`filter.${name} must be a string or an array of strings.`);
  }
  return [...value];
}

export function normalizeFilter(filter: LogFilter | undefined): NormalizedFilter {
  if (filter === undefined) return {};
  const out: NormalizedFilter = {};
  const prefix = filter.streamPrefix;
  if (prefix !== undefined) out.prefixes = strings(typeof prefix === 'string' ? [prefix] : prefix, 'streamPrefix');
  if (filter.eventTypes !== undefined) out.eventTypes = strings(filter.eventTypes, 'eventTypes');
  return out;
}

/** An empty list matches nothing, as "one of these" does for an empty set. */
export function matchesFilter(filter: NormalizedFilter, streamName: string, type: string): boolean {
  if (filter.prefixes !== undefined && !filter.prefixes.some((prefix) => streamName.startsWith(prefix))) return false;
  if (filter.eventTypes !== undefined && !filter.eventTypes.includes(type)) return false;
  return true;
}
