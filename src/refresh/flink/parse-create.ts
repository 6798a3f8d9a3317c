import type { Cursor } from './cursor.ts';
import { FlinkValidationError } from './errors.ts';
import { convertFreshnessToCron, freshnessFromIntervalLiteral, type IntervalFreshness } from './freshness.ts';
import { readIdentifier, readPart, type IdentifierDefaults } from './identifier.ts';
import type { Token } from './lexer.ts';
import { readOptions } from './literals.ts';
import type { CreateMaterializedTable } from './statement.ts';

const FRESHNESS = "FRESHNESS = INTERVAL '<n>' <unit>";
/** Flink 2.2's `materialized-table.default-freshness.full`: a FULL table without FRESHNESS refreshes hourly. */
export const DEFAULT_FULL_FRESHNESS: IntervalFreshness = { interval: 1, unit: 'HOUR' };
const INTERVAL_UNITS = ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND'];
const OPTIONAL_CLAUSES = ["'('", 'COMMENT', 'PARTITIONED BY', 'WITH'];
const QUERY_STARTS = ['SELECT', 'WITH', 'VALUES', 'FROM', 'TABLE', 'PIVOT', 'UNPIVOT'];

export interface IntervalLiteral {
  readonly at: Token;
  readonly sign: 1 | -1;
  readonly text: string;
  readonly startUnit: string;
  readonly endUnit?: string;
}

/**
 * `CREATE MATERIALIZED TABLE [IF NOT EXISTS] t [(...)] [COMMENT '...'] [PARTITIONED BY (...)]
 * [WITH (...)] FRESHNESS = INTERVAL 'n' unit [REFRESH_MODE = FULL] AS query`, clauses in Flink's
 * order. As in Flink, the whole statement is parsed before the freshness is validated.
 */
export function parseCreate(cursor: Cursor, defaults: IdentifierDefaults): CreateMaterializedTable {
  const { lexer } = cursor;
  cursor.expectWords('CREATE MATERIALIZED TABLE', 'CREATE', 'MATERIALIZED', 'TABLE');
  const ifNotExists = cursor.isWord('IF');
  if (ifNotExists) cursor.expectWords('IF NOT EXISTS', 'IF', 'NOT', 'EXISTS');
  const identifier = readIdentifier(lexer, defaults);
  // Optional clauses in Flink's order; `reached` counts those that can no longer appear.
  let reached = 0;
  const schemaSql = cursor.isSymbol('(') ? skipBalanced(cursor) : undefined;
  if (schemaSql !== undefined) reached = 1;
  let comment: string | undefined;
  if (cursor.acceptWord('COMMENT')) {
    comment = cursor.expectString('the comment as a string literal').value;
    reached = 2;
  }
  let partitionKeys: string[] = [];
  if (cursor.isWord('PARTITIONED')) {
    cursor.expectWords('PARTITIONED BY', 'PARTITIONED', 'BY');
    partitionKeys = cursor.list(() => readPart(lexer), false);
    reached = 3;
  }
  let options: Record<string, string> = {};
  if (cursor.acceptWord('WITH')) {
    options = readOptions(cursor);
    reached = 4;
  }
  // FRESHNESS is optional since Flink 2.2 (REFRESH_MODE then decides the default).
  if (!cursor.isWord('FRESHNESS') && !cursor.isWord('REFRESH_MODE') && !cursor.isWord('AS')) {
    const choices = OPTIONAL_CLAUSES.slice(reached);
    throw cursor.error(cursor.peek(), choices.length ? `${FRESHNESS} (or ${choices.join(', ')} before it)` : FRESHNESS);
  }
  const interval = cursor.isWord('FRESHNESS') ? readFreshness(cursor) : undefined;

  let modeToken: Token | undefined;
  if (cursor.acceptWord('REFRESH_MODE')) {
    cursor.expectSymbol('=');
    modeToken = cursor.peek();
    if (!cursor.acceptWord('FULL') && !cursor.acceptWord('CONTINUOUS')) throw cursor.error(modeToken, 'FULL or CONTINUOUS');
  }
  const as = cursor.peek();
  if (!cursor.acceptWord('AS')) {
    throw cursor.error(as, modeToken ? 'AS <query>' : 'AS <query> (or REFRESH_MODE = FULL before it)');
  }
  const query = readQuery(cursor);

  if (modeToken?.value === 'CONTINUOUS') {
    throw new FlinkValidationError(
      'REFRESH_MODE = CONTINUOUS is not supported: freshet supports only FULL (batch) refresh. Drop REFRESH_MODE or use REFRESH_MODE = FULL.',
      lexer.position(modeToken.start),
    );
  }
  if (interval === undefined && modeToken === undefined) {
    throw new FlinkValidationError(
      "Without FRESHNESS and REFRESH_MODE, Flink creates a CONTINUOUS table (default freshness 3 min), and freshet supports only FULL (batch) refresh. Add REFRESH_MODE = FULL (default freshness 1 h, Flink's 'materialized-table.default-freshness.full') or FRESHNESS = INTERVAL '<n>' <unit>.",
      lexer.position(as.start),
    );
  }
  const at = lexer.position((interval?.at ?? as).start);
  const freshness = interval ? withPosition(at, () => freshnessFromIntervalLiteral(interval)) : DEFAULT_FULL_FRESHNESS;
  const cronExpression = withPosition(at, () => convertFreshnessToCron(freshness));
  return {
    kind: 'create',
    identifier,
    ifNotExists,
    ...(comment !== undefined && { comment }),
    ...(schemaSql !== undefined && { schemaSql }),
    partitionKeys,
    options,
    freshness,
    ...(interval === undefined && { defaultFreshness: true }),
    refreshMode: 'FULL',
    cronExpression,
    query,
  };
}

/** `FRESHNESS = INTERVAL [+|-]'n' unit [(p[, s])] [TO unit [(s)]]`, Calcite's interval literal. */
export function readFreshness(cursor: Cursor): IntervalLiteral {
  cursor.expectWords(FRESHNESS, 'FRESHNESS');
  cursor.expectSymbol('=', `'=' (${FRESHNESS})`);
  const at = cursor.peek();
  cursor.expectWords(`INTERVAL '<n>' <unit> (${FRESHNESS})`, 'INTERVAL');
  const sign = cursor.acceptSymbol('-') ? -1 : 1;
  if (sign === 1) cursor.acceptSymbol('+');
  const text = cursor.expectString("the freshness as a quoted number, e.g. '5'").value;
  const startUnit = readUnit(cursor);
  const endUnit = cursor.acceptWord('TO') ? readUnit(cursor) : undefined;
  return { at, sign, text, startUnit, ...(endUnit !== undefined && { endUnit }) };
}

function readUnit(cursor: Cursor): string {
  const t = cursor.peek();
  if (t.kind !== 'word' || !INTERVAL_UNITS.includes(t.value)) throw cursor.error(t, 'a time unit: SECOND, MINUTE, HOUR or DAY');
  cursor.lexer.next();
  if (cursor.isSymbol('(')) cursor.list(() => cursor.lexer.next(), false); // precision, ignored as by Flink
  return t.value;
}

/** The query verbatim, from the token after AS to its last token (a trailing `;` and comments dropped). */
export function readQuery(cursor: Cursor): string {
  const first = cursor.peek();
  const startsQuery = (first.kind === 'word' && QUERY_STARTS.includes(first.value)) || cursor.isSymbol('(');
  if (!startsQuery) throw cursor.error(first, 'a query after AS (SELECT, WITH, VALUES, FROM or TABLE)');
  let last = first;
  while (cursor.peek().kind !== 'eof' && !cursor.isSymbol(';')) last = cursor.lexer.next();
  cursor.expectEnd();
  return cursor.lexer.text.slice(first.start, last.end);
}

/** Skips a parenthesised block (the optional column list) and returns it verbatim. */
function skipBalanced(cursor: Cursor): string {
  const open = cursor.lexer.next();
  let depth = 1;
  let last = open;
  while (depth > 0) {
    last = cursor.lexer.next();
    if (last.kind === 'eof') throw cursor.error(last, "')' to close the column list");
    if (last.kind === 'symbol' && last.value === '(') depth++;
    if (last.kind === 'symbol' && last.value === ')') depth--;
  }
  return cursor.lexer.text.slice(open.start, last.end);
}

export function withPosition<T>(at: FlinkValidationError['position'], rule: () => T): T {
  try {
    return rule();
  } catch (error) {
    if (error instanceof FlinkValidationError && error.position === undefined) {
      throw new FlinkValidationError(error.message, at, error.code);
    }
    throw error;
  }
}
