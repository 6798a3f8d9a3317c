/** An IANA zone name the runtime does not know; refused where it is given, so nothing later fails on it. */
export class UnknownTimeZoneError extends Error {
  override name = 'UnknownTimeZoneError';
  constructor(readonly timeZone: string, where: string) {
    super(`Unknown time zone '${timeZone}' (${where}); use an IANA zone name such as 'Europe/Berlin', 'America/New_York' or 'UTC'.`);
  }
}

/** The zone, checked against the runtime's tz database (Intl, the same source the cron dialect uses). */
export function requireTimeZone(timeZone: string, where: string): string {
  try {
    if (timeZone.trim() === '') throw new RangeError('empty');
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new UnknownTimeZoneError(timeZone, where);
  }
  return timeZone;
}
