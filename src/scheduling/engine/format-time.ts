const formatters = new Map<string, Intl.DateTimeFormat>();

/** Fires come in crowds at the same instant and zone: the last answer is usually the next one too. */
let last = { epochMs: Number.NaN, timeZone: '', text: '' };

/** `yyyy-MM-dd HH:mm:ss` of an instant in an IANA zone: the schedule-time text Flink's job sends. */
export function formatScheduleTime(epochMs: number, timeZone: string): string {
  if (epochMs === last.epochMs && timeZone === last.timeZone) return last.text;
  const text = format(epochMs, timeZone);
  last = { epochMs, timeZone, text };
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
