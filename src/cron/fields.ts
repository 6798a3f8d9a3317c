/** Per-field limits, names and Quartz's messages for the seven positions of a Quartz expression. */

export interface FieldDef {
  readonly position: number;
  readonly label: string;
  readonly min: number;
  /** Largest value; for the year it is only the upper bound of `*` (years are not validated). */
  readonly max: number;
  /** Quartz's range message; absent for the year, which Quartz never validates. */
  readonly rangeMessage?: string;
  /** Quartz rejects `*` / `a/n` / `/n` steps above this (ranges with steps are not checked, as in Quartz). */
  readonly incrementLimit?: number;
  readonly incrementMessage?: string;
  readonly names?: ReadonlyMap<string, number>;
  /** Wrap-around ranges (`22-2`) count modulo this; absent for the year, where a reversed range is an error. */
  readonly wrap?: number;
  readonly allowsQuestionMark: boolean;
}

const MONTH_NAMES = new Map(
  ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'].map((n, i) => [n, i + 1]),
);
const DAY_NAMES = new Map(['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'].map((n, i) => [n, i + 1]));

export const SECOND = 0;
export const MINUTE = 1;
export const HOUR = 2;
export const DAY_OF_MONTH = 3;
export const MONTH = 4;
export const DAY_OF_WEEK = 5;
export const YEAR = 6;

const SIXTY = 'Minute and Second values must be between 0 and 59';

export function fieldDefs(maxYear: number): readonly FieldDef[] {
  return [
    { position: SECOND, label: 'seconds', min: 0, max: 59, rangeMessage: SIXTY, incrementLimit: 59, incrementMessage: 'Increment > 60', wrap: 60, allowsQuestionMark: false },
    { position: MINUTE, label: 'minutes', min: 0, max: 59, rangeMessage: SIXTY, incrementLimit: 59, incrementMessage: 'Increment > 60', wrap: 60, allowsQuestionMark: false },
    { position: HOUR, label: 'hours', min: 0, max: 23, rangeMessage: 'Hour values must be between 0 and 23', incrementLimit: 23, incrementMessage: 'Increment > 24', wrap: 24, allowsQuestionMark: false },
    { position: DAY_OF_MONTH, label: 'day-of-month', min: 1, max: 31, rangeMessage: 'Day of month values must be between 1 and 31', incrementLimit: 31, incrementMessage: 'Increment > 31', wrap: 31, allowsQuestionMark: true },
    { position: MONTH, label: 'month', min: 1, max: 12, rangeMessage: 'Month values must be between 1 and 12', incrementLimit: 12, incrementMessage: 'Increment > 12', names: MONTH_NAMES, wrap: 12, allowsQuestionMark: false },
    { position: DAY_OF_WEEK, label: 'day-of-week', min: 1, max: 7, rangeMessage: 'Day-of-Week values must be between 1 and 7', incrementLimit: 7, incrementMessage: 'Increment > 7', names: DAY_NAMES, wrap: 7, allowsQuestionMark: true },
    { position: YEAR, label: 'year', min: 1970, max: maxYear, allowsQuestionMark: false },
  ];
}
