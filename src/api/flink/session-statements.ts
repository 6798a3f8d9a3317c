/** Flink's session statements, which change the session's configuration instead of running anywhere. */
export type SessionStatement = { kind: 'set'; key: string; value: string } | { kind: 'list' } | { kind: 'reset'; key?: string };

const LITERAL = String.raw`'((?:[^']|'')*)'`;
const END = String.raw`\s*;?\s*$`;
const SET = new RegExp(String.raw`^\s*SET\s+${LITERAL}\s*=\s*${LITERAL}${END}`, 'is');
const SET_ALL = new RegExp(String.raw`^\s*SET${END}`, 'i');
const RESET = new RegExp(String.raw`^\s*RESET\s+${LITERAL}${END}`, 'is');
const RESET_ALL = new RegExp(String.raw`^\s*RESET${END}`, 'i');

const unquote = (text: string): string => text.replaceAll("''", "'");

/** `SET 'k' = 'v'`, `SET`, `RESET 'k'`, `RESET`; anything else (DuckDB's own `SET x = 1` too) is not one. */
export function parseSessionStatement(sql: string): SessionStatement | undefined {
  const set = SET.exec(sql);
  if (set) return { kind: 'set', key: unquote(set[1] ?? ''), value: unquote(set[2] ?? '') };
  if (SET_ALL.test(sql)) return { kind: 'list' };
  const reset = RESET.exec(sql);
  if (reset) return { kind: 'reset', key: unquote(reset[1] ?? '') };
  if (RESET_ALL.test(sql)) return { kind: 'reset' };
  return undefined;
}

/**
 * Splits a script at the semicolons that end statements: not inside '…' strings, "…" or `…` identifiers,
 * or -- and /* *\/ comments. Empty statements are dropped.
 */
export function splitScript(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const skipTo = (close: string, from: number) => {
    const at = script.indexOf(close, from);
    return at < 0 ? script.length : at + close.length;
  };
  while (i < script.length) {
    const c = script[i];
    if (c === "'" || c === '"' || c === '`') {
      // A doubled quote is an escaped one: skipping to the next quote and continuing covers it.
      i = skipTo(c, i + 1);
    } else if (c === '-' && script[i + 1] === '-') i = skipTo('\n', i + 2);
    else if (c === '/' && script[i + 1] === '*') i = skipTo('*/', i + 2);
    else if (c === ';') {
      out.push(script.slice(start, i));
      start = ++i;
    } else i++;
  }
  out.push(script.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '' && !/^(--[^\n]*\n?\s*)+$/.test(s));
}

/** Flink's configure-session accepts these statements only (its REST doc lists them), besides SET and RESET. */
const CONFIGURING = /^\s*(CREATE|DROP|ALTER|USE|LOAD|UNLOAD|ADD)\b/i;

export const isConfiguringStatement = (sql: string): boolean => CONFIGURING.test(sql);
