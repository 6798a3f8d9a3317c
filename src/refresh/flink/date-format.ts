import { FlinkValidationError } from './errors.ts';

/**
 * The part of Java's `SimpleDateFormat` that partition formatters use (`yyyy-MM-dd`, `yyyyMMdd`,
 * `HH`, `'T'`...). Letters whose output depends on the JVM locale (month and day names, AM/PM,
 * zone names) are rejected when the table is created, rather than produce values that differ
 * from Flink's.
 */
export type DateField = 'y' | 'M' | 'd' | 'H' | 'm' | 's' | 'S';

export type DateFormatPart = { readonly literal: string } | { readonly field: DateField; readonly count: number };

export interface CompiledDateFormat {
  readonly pattern: string;
  readonly parts: readonly DateFormatPart[];
}

/** Wall-clock fields in the formatter's zone. */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

const SUPPORTED: readonly string[] = ['y', 'M', 'd', 'H', 'm', 's', 'S'];
/** Letters Java knows but freshet does not format (their output is locale- or week-dependent). */
const JAVA_LETTERS = 'GyYMLwWDdFEuaHkKhmsSzZX';
const HELP = "supported letters are y, M, d, H, m, s and S; put literal text in single quotes, e.g. 'T'";

export function compileDateFormat(pattern: string): CompiledDateFormat {
  const parts: DateFormatPart[] = [];
  let literal = '';
  let inQuote = false;
  const flush = () => {
    if (literal !== '') parts.push({ literal });
    literal = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "'") {
      // '' is one quote, inside or outside quoted text, as in Java.
      if (pattern[i + 1] === "'") {
        literal += "'";
        i++;
      } else {
        inQuote = !inQuote;
      }
      continue;
    }
    if (inQuote || !/[a-zA-Z]/.test(c)) {
      literal += c;
      continue;
    }
    let count = 1;
    while (pattern[i + count] === c) count++;
    i += count - 1;
    if (!SUPPORTED.includes(c)) throw unsupported(pattern, c, JAVA_LETTERS.includes(c));
    if (c === 'M' && count > 2) {
      throw new FlinkValidationError(
        `Date format '${pattern}' uses '${c.repeat(count)}' (a month name), which depends on the JVM locale and is not supported by freshet; use 'MM' or 'M' (${HELP}).`,
      );
    }
    flush();
    parts.push({ field: c as DateField, count });
  }
  if (inQuote) {
    throw new FlinkValidationError(`Date format '${pattern}' has an unterminated quote; close quoted text with ' (${HELP}).`);
  }
  flush();
  return { pattern, parts };
}

export function formatWallClock(format: CompiledDateFormat, t: WallClock): string {
  let out = '';
  for (const part of format.parts) {
    if ('literal' in part) {
      out += part.literal;
      continue;
    }
    const { field, count } = part;
    if (field === 'y') out += count === 2 ? pad(t.year % 100, 2) : pad(t.year, count);
    else out += pad(fieldValue(field, t), count);
  }
  return out;
}

function fieldValue(field: Exclude<DateField, 'y'>, t: WallClock): number {
  switch (field) {
    case 'M':
      return t.month;
    case 'd':
      return t.day;
    case 'H':
      return t.hour;
    case 'm':
      return t.minute;
    case 's':
      return t.second;
    case 'S':
      return t.millisecond;
    default: {
      const never: never = field;
      return never;
    }
  }
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function unsupported(pattern: string, letter: string, knownToJava: boolean): FlinkValidationError {
  const why = knownToJava
    ? `is not supported by freshet`
    : `is not a date format letter (Java rejects it as an illegal pattern character)`;
  return new FlinkValidationError(`Date format '${pattern}': letter '${letter}' ${why}; ${HELP}.`);
}
