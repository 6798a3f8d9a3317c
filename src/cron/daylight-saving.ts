/**
 * The fire times a daylight-saving change touches, for a preview to warn about: a wall time the spring-forward gap
 * drops (Quartz's lenient calendar moves it past the gap, where it no longer matches, so it does not fire that day)
 * and a fire whose wall time the fall-back overlap repeats (it fires once, at the later pass; see compile.ts).
 */
import { DAY_MS, SECOND_MS, type WallFields, wallFields } from './calendar.ts';
import { compileCron } from './compile.ts';
import { fireTimeCount, type NextFireTimesOptions, nextFireTimes, startOf } from './next-fire-times.ts';
import { type ZoneOffsets, zoneOffsets } from './zone.ts';
import { hostTimeZone } from '../clock/index.ts';

export interface DaylightSavingNote {
  kind: 'skipped' | 'repeated';
  /** The wall time in the schedule's zone, `YYYY-MM-DDTHH:mm:ss` (no offset: it is the clock on the wall). */
  wallTime: string;
  /** Where the note sits among the fire times: the repeated fire itself, or where the skipped wall time would land. */
  at: Date;
}

export interface FireTimesPreview {
  fireTimes: Date[];
  daylightSaving: DaylightSavingNote[];
}

/** nextFireTimes with the notes of the daylight-saving changes on the way (skipped times: Quartz dialect only). */
export function previewFireTimes(expression: string, options: NextFireTimesOptions): FireTimesPreview {
  const zone = zoneOffsets(options.timeZone ?? hostTimeZone());
  if (options.dialect === 'unix') {
    const fireTimes = nextFireTimes(expression, options);
    return { fireTimes, daylightSaving: fireTimes.flatMap((t) => repeatedNote(t.getTime(), zone)) };
  }
  const count = fireTimeCount(options.count);
  const schedule = compileCron(expression, zone.timeZone);
  let at = startOf(options.after, zone);
  const fireTimes: Date[] = [];
  const daylightSaving: DaylightSavingNote[] = [];
  const skipped = (wall: number, movedTo: number) => daylightSaving.push({ kind: 'skipped', wallTime: wallText(wall), at: new Date(movedTo) });
  while (fireTimes.length < count) {
    const next = schedule.nextAfter(at, skipped);
    if (next === null) break;
    fireTimes.push(new Date(next));
    daylightSaving.push(...repeatedNote(next, zone));
    at = next;
  }
  // A gap after the last fire belongs to the times not shown.
  const last = fireTimes.at(-1)?.getTime() ?? Number.POSITIVE_INFINITY;
  return { fireTimes, daylightSaving: daylightSaving.filter((n) => n.kind === 'repeated' || n.at.getTime() <= last) };
}

/** A fire whose wall time also reads on the clock at another instant (the offset in force a moment before differs). */
function repeatedNote(instant: number, zone: ZoneOffsets): DaylightSavingNote[] {
  const offset = zone.offsetAt(instant);
  const wall = instant + offset;
  for (const other of new Set([zone.offsetAt(instant - DAY_MS), zone.offsetAt(instant + DAY_MS)])) {
    if (other !== offset && zone.offsetAt(wall - other) === other) return [{ kind: 'repeated', wallTime: wallText(wall), at: new Date(instant) }];
  }
  return [];
}

const fields: WallFields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
const two = (n: number) => String(n).padStart(2, '0');

function wallText(wall: number): string {
  const f = wallFields(Math.floor(wall / SECOND_MS) * SECOND_MS, fields);
  return `${String(f.year).padStart(4, '0')}-${two(f.month)}-${two(f.day)}T${two(f.hour)}:${two(f.minute)}:${two(f.second)}`;
}
