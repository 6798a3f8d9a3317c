import { FlinkValidationError } from './errors.ts';
import { Lexer } from './lexer.ts';

/** Where unqualified names live in freshet (Flink's current catalog and database). */
export const DEFAULT_CATALOG = 'freshet';
export const DEFAULT_DATABASE = 'default';

export interface IdentifierDefaults {
  readonly catalog: string;
  readonly database: string;
}

export const FRESHET_DEFAULTS: IdentifierDefaults = { catalog: DEFAULT_CATALOG, database: DEFAULT_DATABASE };

/** Flink's `ObjectIdentifier`: a fully qualified, case-sensitive table name. */
export interface ObjectIdentifier {
  readonly catalog: string;
  readonly database: string;
  readonly table: string;
}

/** `` `cat`.`db`.`t` `` with backquotes doubled: Flink's `asSerializableString`, and its `toString`. */
export function asSerializableString(id: ObjectIdentifier): string {
  return `${escapeIdentifier(id.catalog)}.${escapeIdentifier(id.database)}.${escapeIdentifier(id.table)}`;
}

/** `cat.db.t`, unquoted: Flink's `asSummaryString` (ambiguous when a part contains a dot). */
export function asSummaryString(id: ObjectIdentifier): string {
  return `${id.catalog}.${id.database}.${id.table}`;
}

export function escapeIdentifier(part: string): string {
  return `\`${part.replaceAll('`', '``')}\``;
}

/**
 * Parses `t`, `db.t` or `cat.db.t` (each part unquoted or backquoted, whitespace and comments
 * allowed between parts) and fills missing parts from `defaults`, as Flink's
 * `CatalogManager.qualifyIdentifier` does. Unquoted parts keep their case: Flink is case-sensitive.
 */
export function parseIdentifier(text: string, defaults: IdentifierDefaults = FRESHET_DEFAULTS): ObjectIdentifier {
  const lexer = new Lexer(text);
  const id = readIdentifier(lexer, defaults);
  const rest = lexer.peek();
  if (rest.kind !== 'eof') throw lexer.syntaxError(rest, "'.' or the end of the identifier");
  return id;
}

/** Reads an identifier at the lexer's position (shared with the statement parser). */
export function readIdentifier(lexer: Lexer, defaults: IdentifierDefaults): ObjectIdentifier {
  const parts = [readPart(lexer)];
  while (lexer.peek().kind === 'symbol' && lexer.peek().value === '.') {
    lexer.next();
    parts.push(readPart(lexer));
  }
  return qualify(parts, defaults);
}

/** Reads one simple (single-part) name, e.g. a column in `PARTITIONED BY (...)`. */
export function readPart(lexer: Lexer): string {
  const token = lexer.peek();
  if (token.kind === 'word') {
    lexer.next();
    return token.raw;
  }
  if (token.kind === 'quoted') {
    lexer.next();
    return token.value;
  }
  const hint = token.kind === 'dquoted' ? ' (Flink quotes identifiers with backquotes: `name`)' : '';
  throw lexer.syntaxError(token, `an identifier${hint}`);
}

/** Flink's `UnresolvedIdentifier.of` + `qualifyIdentifier`, with Flink's messages. */
export function qualify(parts: readonly string[], defaults: IdentifierDefaults): ObjectIdentifier {
  if (parts.length < 1 || parts.length > 3) {
    throw new FlinkValidationError('Object identifier must consist of 1 to 3 parts.');
  }
  if (parts.some(isWhitespaceOnly)) {
    throw new FlinkValidationError('Parts of the object identifier are null or whitespace-only.');
  }
  const [a, b, c] = parts as [string, string?, string?];
  if (c !== undefined && b !== undefined) return { catalog: a, database: b, table: c };
  if (b !== undefined) return { catalog: defaults.catalog, database: a, table: b };
  return { catalog: defaults.catalog, database: defaults.database, table: a };
}

/** Java's `Character.isWhitespace` over every UTF-16 unit (no-break spaces are not whitespace). */
export function isWhitespaceOnly(text: string): boolean {
  for (const ch of text) {
    if (!JAVA_WHITESPACE.test(ch) || NO_BREAK_SPACES.includes(ch)) return false;
  }
  return true;
}

const JAVA_WHITESPACE = /^[\t\n\u000B\f\r\u001C-\u001F\p{Zs}\u2028\u2029]$/u;
const NO_BREAK_SPACES = '\u00A0\u2007\u202F';
