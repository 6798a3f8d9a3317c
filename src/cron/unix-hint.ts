/**
 * For a 5-field Unix expression, the Quartz equivalent to suggest in the error message: a seconds field in
 * front, '?' in the unused day field, and day-of-week renumbered from Unix 0-7 (0 and 7 = Sunday) to Quartz 1-7.
 */
export function unixHint(expression: string): string {
  const parts = expression.split(/[ \t]+/);
  if (parts.length !== 5) return ' — e.g. "0 0 3 * * ?"';
  const [minute, hour, dom = '*', month, dow = '*'] = parts;
  const anyDom = dom === '*' || dom === '?';
  const anyDow = dow === '*' || dow === '?';
  let quartzDom: string;
  let quartzDow: string;
  if (anyDow) {
    quartzDom = anyDom ? '*' : dom;
    quartzDow = '?';
  } else if (anyDom && !dow.includes('/')) {
    quartzDom = '?';
    quartzDow = dow.replace(/[0-9]+/g, (n) => String((Number(n) % 7) + 1));
  } else {
    return " — Unix cron ORs day-of-month with day-of-week; Quartz cannot, so keep one and put '?' in the other";
  }
  return ` — e.g. "0 ${minute} ${hour} ${quartzDom} ${month} ${quartzDow}"`;
}
