import { createRequire } from 'node:module';
import { hostTimeZone } from '../clock/index.ts';

// Loaded on first use, not at start: `freshet --version` and every command that prints no time skip luxon's load.
const require = createRequire(import.meta.url);
let luxon: typeof import('luxon') | undefined;
const DateTimeOf = () => (luxon ??= require('luxon') as typeof import('luxon')).DateTime;

/** "2026-11-01 01:30:00 -05:00 America/New_York": the wall time, its offset and the zone it is in. */
export function zonedTime(epochMs: number, timeZone: string): string {
  return `${DateTimeOf().fromMillis(epochMs, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm:ss ZZ')} ${timeZone}`;
}

/** How tables show instants: local wall time (the zone is named once, in the column head), or UTC with --utc. */
export interface TimeView {
  zone: string;
  /** A cell: wall time in the view's zone; empty for null. */
  cell(iso: string | null | undefined): string;
  /** A column head naming the zone, e.g. "next (Europe/Berlin)". */
  head(name: string): string;
}

export function timeView(utc: boolean | undefined): TimeView {
  const zone = utc === true ? 'UTC' : hostTimeZone();
  return {
    zone,
    cell: (iso) => (iso ? DateTimeOf().fromISO(iso, { zone }).toFormat('yyyy-MM-dd HH:mm:ss') : ''),
    head: (name) => `${name} (${zone})`,
  };
}
