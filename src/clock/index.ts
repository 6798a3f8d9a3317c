/**
 * The one source of time. Nothing in freshet calls Date.now() directly, so tests drive time with
 * vitest's fake timers (which replace Date and setTimeout together) or a clock of their own.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export { durationMs, hostTimeZone } from './duration.ts';
export { requireTimeZone, UnknownTimeZoneError } from './zone.ts';
