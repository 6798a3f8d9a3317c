/**
 * Quartz 2.3.2 expression parsing (`CronExpression.buildExpression`): blanks and tabs separate 6 or 7 fields,
 * the whole string is upper-cased, and exactly one of day-of-month / day-of-week must be `?`.
 * Unix cron, `@daily` macros and the empty string are rejected with the Quartz form spelled out.
 */
import { CronExpressionError } from './errors.ts';
import { DAY_OF_MONTH, DAY_OF_WEEK, fieldDefs, HOUR, MINUTE, MONTH, SECOND, YEAR } from './fields.ts';
import { parseField, type ParsedField } from './parse-field.ts';
import { type CronSpec, type DayRule, nextTable } from './spec.ts';
import { unixHint } from './unix-hint.ts';

const QUARTZ_FORM =
  "seconds minutes hours day-of-month month day-of-week [year], with '?' in one of the day fields";

export function parseQuartz(expression: string, maxYear: number): CronSpec {
  const trimmed = expression.trim();
  if (trimmed === '') {
    throw new CronExpressionError(`Cron expression is empty; Quartz cron needs 6 or 7 fields: ${QUARTZ_FORM} — e.g. "0 0 3 * * ?"`);
  }
  if (trimmed.startsWith('@')) throw new CronExpressionError(macroMessage(trimmed));
  const tokens = trimmed.toUpperCase().split(/[ \t]+/);
  if (tokens.length < 6) {
    const prefix = tokens.length === 5 ? '' : 'Unexpected end of expression. ';
    throw new CronExpressionError(
      `${prefix}"${trimmed}" has ${tokens.length} field${tokens.length === 1 ? '' : 's'}; Quartz cron needs 6 or 7: ${QUARTZ_FORM}${unixHint(trimmed)}`,
    );
  }
  // Quartz 2.3.2 silently ignores an 8th token; 2.5 rejects it, and so do we.
  if (tokens.length > 7) throw new CronExpressionError(`Invalid expression has too many terms: ${trimmed}`);

  const defs = fieldDefs(maxYear);
  const fields: ParsedField[] = [];
  for (let i = 0; i < 6; i++) {
    const field = parseField(tokens[i] ?? '', defs[i] ?? fail());
    if (i === DAY_OF_WEEK && field.noSpec && fields[DAY_OF_MONTH]?.noSpec === true) {
      throw new CronExpressionError("'?' can only be specified for Day-of-Month -OR- Day-of-Week.");
    }
    fields.push(field);
  }
  const years = parseField(tokens[6] ?? '*', defs[YEAR] ?? fail());
  const dom = fields[DAY_OF_MONTH] ?? fail();
  const dow = fields[DAY_OF_WEEK] ?? fail();
  if (!dom.noSpec && !dow.noSpec) {
    throw new CronExpressionError(
      "Support for specifying both a day-of-week AND a day-of-month parameter is not implemented. Put '?' in one of them, e.g. \"0 0 12 ? * MON\" or \"0 0 12 1 * ?\".",
    );
  }
  return {
    nextSecond: table(fields[SECOND], 59),
    nextMinute: table(fields[MINUTE], 59),
    nextHour: table(fields[HOUR], 23),
    nextMonth: table(fields[MONTH], 12),
    day: dom.noSpec ? dayOfWeekRule(dow) : dayOfMonthRule(dom),
    years: Int32Array.from([...years.values].sort((a, b) => a - b)),
    maxYear,
  };
}

function fail(): never {
  throw new Error('cron field table out of step with the parser');
}

function table(field: ParsedField | undefined, max: number): Int8Array {
  const allowed: boolean[] = [];
  for (const v of field?.values ?? []) allowed[v] = true;
  return nextTable(allowed, max);
}

function dayOfMonthRule(dom: ParsedField): DayRule {
  if (dom.lastDayOfMonth !== undefined) return { kind: 'lastDayOfMonth', ...dom.lastDayOfMonth };
  if (dom.nearestWeekday !== undefined) return { kind: 'nearestWeekday', day: dom.nearestWeekday };
  return { kind: 'dayOfMonthSet', next: table(dom, 31) };
}

function dayOfWeekRule(dow: ParsedField): DayRule {
  if (dow.lastDayOfWeek !== undefined) return { kind: 'lastDayOfWeek', dayOfWeek: dow.lastDayOfWeek };
  if (dow.nthDayOfWeek !== undefined) return { kind: 'nthDayOfWeek', ...dow.nthDayOfWeek };
  const daysToNext = new Int8Array(8);
  for (let from = 1; from <= 7; from++) {
    let delta = 0;
    while (delta < 7 && !dow.values.has(((from - 1 + delta) % 7) + 1)) delta++;
    daysToNext[from] = delta; // a parsed day-of-week field always lists at least one day
  }
  return { kind: 'dayOfWeekSet', daysToNext };
}

const MACROS: Record<string, string> = {
  '@YEARLY': '0 0 0 1 1 ?',
  '@ANNUALLY': '0 0 0 1 1 ?',
  '@MONTHLY': '0 0 0 1 * ?',
  '@WEEKLY': '0 0 0 ? * SUN',
  '@DAILY': '0 0 0 * * ?',
  '@MIDNIGHT': '0 0 0 * * ?',
  '@HOURLY': '0 0 * * * ?',
};

function macroMessage(macro: string): string {
  const quartz = MACROS[macro.toUpperCase()];
  const fix = quartz === undefined ? `e.g. "0 0 3 * * ?"` : `write "${quartz}" instead`;
  return `'${macro}' is a Unix cron macro; Quartz cron has no macros and needs 6 or 7 fields: ${QUARTZ_FORM} — ${fix}`;
}
