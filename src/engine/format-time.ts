const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Fires come in crowds at the same few instants and zones (a bucket of a backlog holds several seconds), and
 * formatToParts costs tens of microseconds: recent answers are kept per zone, a bounded handful of instants each.
 */
const recent = new Map<string, Map<number, string>>();
const PER_ZONE = 64;

/** `yyyy-MM-dd HH:mm:ss` of an instant in an IANA zone: the schedule-time text Flink's job sends. */
export function formatScheduleTime(epochMs: number, timeZone: string): string {
  let zone = recent.get(timeZone);
  const known = zone?.get(epochMs);
  if (known !== undefined) return known;
  const text = format(epochMs, timeZone);
  if (!zone) {
    if (recent.size >= 1_000) recent.clear();
    recent.set(timeZone, (zone = new Map()));
  }
  if (zone.size >= PER_ZONE) zone.delete(zone.keys().next().value!);
  zone.set(epochMs, text);
  return text;
}

function format(epochMs: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(epochMs)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
