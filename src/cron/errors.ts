/**
 * Bad cron input. Messages start with Quartz 2.3.2's own wording where Quartz has one, so an operator can
 * search for them, followed by what freshet saw and how to fix it.
 */
export class CronExpressionError extends Error {
  override name = 'CronExpressionError';
}

/** The schedule's time zone is not an IANA zone the runtime knows. */
export class CronTimeZoneError extends CronExpressionError {
  override name = 'CronTimeZoneError';
}

/** An argument next to the expression (`after`, `count`) is unusable. */
export class CronArgumentError extends CronExpressionError {
  override name = 'CronArgumentError';
}
