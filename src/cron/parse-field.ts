import { CronExpressionError } from './errors.ts';
import { DAY_OF_MONTH, DAY_OF_WEEK, type FieldDef, HOUR, MINUTE, SECOND, YEAR } from './fields.ts';

/** One field, parsed with Quartz 2.3.2's value semantics (see `addToSet` there). */
export interface ParsedField {
  /** Plain values (years above the max year are dropped: nothing can fire then). */
  readonly values: Set<number>;
  /** `?` */
  noSpec: boolean;
  lastDayOfMonth?: { offset: number; nearestWeekday: boolean };
  nearestWeekday?: number;
  lastDayOfWeek?: number;
  nthDayOfWeek?: { dayOfWeek: number; nth: number };
}

const INT_MAX = 2_147_483_647;
const PLAIN = /^([0-9]+|[A-Z]+)(?:-([0-9]+|[A-Z]+))?(?:\/(.*))?$/;

function fail(def: FieldDef, message: string, token: string): never {
  throw new CronExpressionError(`${message} (${def.label} field '${token}')`);
}

export function parseField(token: string, def: FieldDef): ParsedField {
  const field: ParsedField = { values: new Set(), noSpec: false };
  const items = token.split(',');
  const isList = items.length > 1;
  const pos = def.position;
  if ((pos === SECOND || pos === MINUTE || pos === HOUR) && token.includes('L')) {
    fail(def, "'L' not expected in seconds, minutes or hours fields.", token);
  }
  if (pos === DAY_OF_MONTH && isList && token.includes('L')) {
    fail(def, "Support for specifying 'L' and 'LW' with other days of the month is not implemented", token);
  }
  // Quartz 2.3.2 silently keeps only the first day of `2W,16`; rejecting is clearer (2.5 differs again).
  if (pos === DAY_OF_MONTH && isList && token.includes('W')) {
    fail(def, "Support for specifying 'W' with other days of the month is not implemented", token);
  }
  if (pos === DAY_OF_WEEK && isList && token.includes('L')) {
    fail(def, "Support for specifying 'L' with other days of the week is not implemented", token);
  }
  if (pos === DAY_OF_WEEK && token.indexOf('#') !== token.lastIndexOf('#')) {
    fail(def, 'Support for specifying multiple "nth" days is not implemented.', token);
  }
  // Quartz 2.3.2 would apply '#' to the smallest listed day instead of the one written next to it.
  if (pos === DAY_OF_WEEK && isList && token.includes('#')) {
    fail(def, "Support for specifying '#' with other days of the week is not implemented", token);
  }
  for (const item of items) {
    if (item === '') fail(def, 'Empty value in a list', token);
    if (item === '?' && isList) fail(def, "'?' cannot be combined with other values", token);
    parseItem(item, def, field, token);
  }
  return field;
}

function parseItem(item: string, def: FieldDef, field: ParsedField, token: string): void {
  const pos = def.position;
  if (item === '?') {
    if (!def.allowsQuestionMark) fail(def, "'?' can only be specified for Day-of-Month or Day-of-Week.", token);
    field.noSpec = true;
    return;
  }
  if (item.startsWith('*') || item.startsWith('/')) {
    const rest = item.startsWith('*') ? item.slice(1) : item;
    if (rest === '') return addRange(field, def, def.min, -1, 1, token);
    if (!rest.startsWith('/')) fail(def, `Unexpected characters after '*': '${rest}'`, token);
    const step = parseStep(rest.slice(1), def, token, true);
    // Quartz: `*/0` and `/0` mean every value; a step starts at the field minimum and never wraps.
    return addRange(field, def, def.min, -1, step === 0 ? 1 : step, token);
  }
  if (pos === DAY_OF_MONTH && item.startsWith('L')) {
    const m = /^L(?:-([0-9]*))?(W?)$/.exec(item);
    if (m === null) fail(def, `Illegal characters for this position: '${item}'`, token);
    if (m[1] === '') fail(def, "'L-' must be followed by an offset, e.g. 'L-3'", token);
    const offset = m[1] === undefined ? 0 : Number(m[1]);
    if (offset > 30) fail(def, 'Offset from last day must be <= 30', token);
    field.lastDayOfMonth = { offset, nearestWeekday: m[2] === 'W' };
    return;
  }
  if (pos === DAY_OF_WEEK && item === 'L') return addRange(field, def, 7, -1, 0, token); // Quartz: `L` alone = Saturday
  const weekday = pos === DAY_OF_MONTH ? /^([0-9]+)W$/.exec(item) : null;
  if (weekday !== null) {
    const day = parseValue(weekday[1] ?? '', def, token);
    if (day > 31) {
      fail(def, "The 'W' option does not make sense with values larger than 31 (max number of days in a month)", token);
    }
    field.nearestWeekday = checkRange(day, def, token);
    return;
  }
  const last = pos === DAY_OF_WEEK ? /^([0-9]+|[A-Z]{3})L$/.exec(item) : null;
  if (last !== null) {
    field.lastDayOfWeek = checkRange(parseValue(last[1] ?? '', def, token), def, token);
    return;
  }
  const nth = pos === DAY_OF_WEEK ? /^([0-9]+|[A-Z]{3})#(.*)$/.exec(item) : null;
  if (nth !== null) {
    const dayOfWeek = checkRange(parseValue(nth[1] ?? '', def, token), def, token);
    if (!/^[1-5]$/.test(nth[2] ?? '')) fail(def, "A numeric value between 1 and 5 must follow the '#' option", token);
    field.nthDayOfWeek = { dayOfWeek, nth: Number(nth[2]) };
    return;
  }
  const option = /^[0-9]+([LW#])/.exec(item);
  if (option !== null) fail(def, `'${option[1]}' option is not valid here.`, token);
  const m = PLAIN.exec(item);
  if (m === null) fail(def, `Illegal characters for this position: '${item}'`, token);
  const [, startText = '', endText, stepText] = m;
  const isName = /^[A-Z]/.test(startText);
  if (endText !== undefined && /^[A-Z]/.test(endText) !== isName) {
    fail(def, `A range needs names at both ends or numbers at both ends: '${item}'`, token);
  }
  // Quartz 2.3.2 silently ignores a step written after a name (`MON/2` = MON); say so instead.
  if (isName && stepText !== undefined) fail(def, `A step ('/') cannot follow a name; use numbers: '${item}'`, token);
  const start = parseValue(startText, def, token);
  const end = endText === undefined ? -1 : parseValue(endText, def, token);
  // Quartz checks the increment (limit only for `a/n`, not `a-b/n`) before the values; step 0 = start only.
  const step = stepText === undefined ? (end === -1 ? 0 : 1) : parseStep(stepText, def, token, end === -1);
  checkRange(start, def, token);
  if (end !== -1) checkRange(end, def, token);
  addRange(field, def, start, end, step, token);
}

function parseValue(text: string, def: FieldDef, token: string): number {
  if (/^[0-9]+$/.test(text)) {
    const value = Number(text);
    if (value > INT_MAX) fail(def, `Value ${text} is too large`, token);
    return value;
  }
  const named = def.names?.get(text);
  if (named !== undefined) return named;
  if (def.position === DAY_OF_WEEK) fail(def, `Invalid Day-of-Week value: '${text}' (use SUN, MON, TUE, WED, THU, FRI, SAT or 1-7)`, token);
  if (def.names !== undefined) fail(def, `Invalid Month value: '${text}' (use JAN … DEC or 1-12)`, token);
  return fail(def, `Illegal characters for this position: '${text}'`, token);
}

function checkRange(value: number, def: FieldDef, token: string): number {
  if (def.rangeMessage !== undefined && (value < def.min || value > def.max)) fail(def, def.rangeMessage, token);
  return value;
}

function parseStep(text: string, def: FieldDef, token: string, checkLimit: boolean): number {
  if (text === '') fail(def, "'/' must be followed by an integer.", token);
  if (!/^[0-9]+$/.test(text)) fail(def, `Unexpected characters after '/': '${text}'`, token);
  const step = Number(text);
  if (step > INT_MAX) fail(def, `Value ${text} is too large`, token);
  if (checkLimit && def.incrementLimit !== undefined && step > def.incrementLimit) {
    fail(def, `${def.incrementMessage} : ${step}`, token);
  }
  return step;
}

/** Quartz's `addToSet`: step 0 = the start only; an open end runs to the field max; reversed ranges wrap. */
function addRange(field: ParsedField, def: FieldDef, start: number, end: number, step: number, token: string): void {
  if (step === 0) {
    if (start <= def.max || def.position !== YEAR) field.values.add(start);
    return;
  }
  let stop = end === -1 ? def.max : end;
  const wrap = def.wrap;
  if (stop < start) {
    if (wrap === undefined) fail(def, 'Illegal cron expression format (Start year must be less than stop year)', token);
    stop += wrap;
  } else if (wrap === undefined) {
    stop = Math.min(stop, def.max); // years past the max year can never fire
  }
  for (let i = start; i <= stop; i += step) {
    if (wrap === undefined || i < wrap) field.values.add(i);
    else field.values.add(i % wrap === 0 && def.min === 1 ? wrap : i % wrap);
  }
}
