import type { Cursor } from './cursor.ts';
import { FlinkValidationError } from './errors.ts';
import { readPart } from './identifier.ts';

/** `('k' = 'v', ...)`: keys and values are string literals, as in Flink's table options. */
export function readOptions(cursor: Cursor): Record<string, string> {
  const entries = cursor.list(() => {
    const key = cursor.expectString("an option key as a string literal, e.g. 'k'").value;
    cursor.expectSymbol('=');
    const value = cursor.expectString("an option value as a string literal, e.g. 'v'").value;
    return [key, value] as const;
  }, true);
  return Object.fromEntries(entries);
}

/** `[PARTITION (k = literal, ...)]`, every literal as the string Flink's `getPartitionKVs` makes of it. */
export function readPartitionSpec(cursor: Cursor): Record<string, string> {
  if (!cursor.acceptWord('PARTITION')) return {};
  const entries = cursor.list(() => {
    const key = readPart(cursor.lexer);
    cursor.expectSymbol('=');
    return [key, readLiteral(cursor)] as const;
  }, false);
  return Object.fromEntries(entries);
}

const LITERAL = "a literal ('text', a number, TRUE or FALSE)";

function readLiteral(cursor: Cursor): string {
  const t = cursor.peek();
  if (t.kind === 'string') return cursor.lexer.next().value;
  if (cursor.acceptWord('TRUE')) return 'true';
  if (cursor.acceptWord('FALSE')) return 'false';
  if (t.kind === 'word' && ['DATE', 'TIME', 'TIMESTAMP'].includes(t.value) && cursor.peek(1).kind === 'string') {
    cursor.lexer.next();
    return cursor.lexer.next().value;
  }
  if (cursor.isWord('NULL')) {
    throw new FlinkValidationError(
      'A partition value cannot be NULL; give the partition as a literal value.',
      cursor.lexer.position(t.start),
    );
  }
  const negative = cursor.isSymbol('-');
  if (negative || cursor.isSymbol('+')) cursor.lexer.next();
  const n = cursor.peek();
  if (n.kind !== 'number') throw cursor.error(n, LITERAL);
  cursor.lexer.next();
  if (/[eE]/.test(n.raw)) {
    throw new FlinkValidationError(
      `Partition value ${n.raw} is an approximate number; write it as a string literal or an exact number.`,
      cursor.lexer.position(n.start),
    );
  }
  return exactNumberString(n.raw, negative);
}

/** Java's `BigDecimal.toString` for a plain decimal literal: `05` → `5`, `.5` → `0.5`, `-0.0` → `0.0`. */
export function exactNumberString(digits: string, negative: boolean): string {
  const [whole = '', fraction = ''] = digits.split('.');
  const integer = whole.replace(/^0+(?=.)/, '') || '0';
  const text = fraction === '' ? integer : `${integer}.${fraction}`;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}
