import { Cursor } from './cursor.ts';
import { FlinkValidationError } from './errors.ts';
import { FRESHET_DEFAULTS, readIdentifier, type IdentifierDefaults, type ObjectIdentifier } from './identifier.ts';
import { Lexer } from './lexer.ts';
import { readOptions, readPartitionSpec } from './literals.ts';
import { parseCreate, readFreshness, readQuery, withPosition } from './parse-create.ts';
import { convertFreshnessToCron, freshnessFromIntervalLiteral } from './freshness.ts';
import { parseDescribe, parseShowCreate, parseShowTables } from './parse-show.ts';
import type { Statement } from './statement.ts';

/**
 * Parses one statement. Flink's materialized-table DDL (CREATE / ALTER ... SUSPEND | RESUME |
 * REFRESH / DROP MATERIALIZED TABLE) becomes a typed statement; anything else is returned as
 * `{ kind: 'sql' }` for DuckDB. Unqualified names resolve against `defaults`.
 */
export function parseStatement(sql: string, defaults: IdentifierDefaults = FRESHET_DEFAULTS): Statement {
  const cursor = new Cursor(new Lexer(sql));
  const target = classify(cursor);
  switch (target) {
    case 'sql':
      return { kind: 'sql', sql };
    case 'create':
      return parseCreate(cursor, defaults);
    case 'alter':
      return parseAlter(cursor, defaults);
    case 'drop':
      return parseDrop(cursor, defaults);
    case 'drop-table':
      return parseDropTable(cursor, sql, defaults);
    case 'show-tables':
      return parseShowTables(cursor, defaults);
    case 'show-create':
      return parseShowCreate(cursor, defaults);
    case 'describe':
      return parseDescribe(cursor, sql, defaults);
    default: {
      const never: never = target;
      return never;
    }
  }
}

type Target = 'create' | 'alter' | 'drop' | 'drop-table' | 'show-tables' | 'show-create' | 'describe' | 'sql';

/** Looks only at the first words, so statements in DuckDB's own dialect are never lexed further. */
function classify(cursor: Cursor): Target {
  try {
    if (cursor.isWord('CREATE') && cursor.isWord('OR', 1) && cursor.isWord('MATERIALIZED', 3)) {
      const t = cursor.peek(1);
      throw new FlinkValidationError(
        `CREATE OR ${cursor.peek(2).raw.toUpperCase()} MATERIALIZED TABLE is not supported by freshet; use CREATE MATERIALIZED TABLE (DROP the table first to redefine it).`,
        cursor.lexer.position(t.start),
      );
    }
    if (cursor.isWord('DROP') && cursor.isWord('TABLE', 1)) return 'drop-table';
    if (cursor.isWord('SHOW') && cursor.isWord('MATERIALIZED', 1)) return 'show-tables';
    if (cursor.isWord('SHOW') && cursor.isWord('CREATE', 1) && cursor.isWord('MATERIALIZED', 2)) return 'show-create';
    if (cursor.isWord('DESCRIBE') || cursor.isWord('DESC')) return 'describe';
    if (!cursor.isWord('MATERIALIZED', 1)) return 'sql';
    if (cursor.isWord('CREATE')) return 'create';
    if (cursor.isWord('ALTER')) return 'alter';
    if (cursor.isWord('DROP')) return 'drop';
    return 'sql';
  } catch (error) {
    if (error instanceof FlinkValidationError) throw error;
    // The head does not even lex (say, an unterminated comment): not ours, DuckDB will report it.
    return 'sql';
  }
}

function parseAlter(cursor: Cursor, defaults: IdentifierDefaults): Statement {
  cursor.expectWords('ALTER MATERIALIZED TABLE', 'ALTER', 'MATERIALIZED', 'TABLE');
  const identifier = readIdentifier(cursor.lexer, defaults);
  const action = cursor.peek();
  let statement: Statement;
  if (cursor.acceptWord('SUSPEND')) {
    statement = { kind: 'suspend', identifier };
  } else if (cursor.acceptWord('RESUME')) {
    const options = cursor.acceptWord('WITH') ? readOptions(cursor) : {};
    statement = { kind: 'resume', identifier, options };
  } else if (cursor.acceptWord('REFRESH')) {
    statement = { kind: 'refresh', identifier, partition: readPartitionSpec(cursor) };
  } else if (cursor.isWord('SET') && cursor.isWord('FRESHNESS', 1)) {
    cursor.expectWords('SET', 'SET');
    const interval = readFreshness(cursor);
    const at = cursor.lexer.position(interval.at.start);
    const freshness = withPosition(at, () => freshnessFromIntervalLiteral(interval));
    statement = { kind: 'alter-freshness', identifier, freshness, cronExpression: withPosition(at, () => convertFreshnessToCron(freshness)) };
  } else if (cursor.isWord('SET') || cursor.isWord('RESET')) {
    // Flink's grammar has SET (…), RESET (…) and SET REFRESH_MODE, but its planner converts none of them.
    throw new FlinkValidationError(
      `ALTER MATERIALIZED TABLE … ${action.value} ${cursor.peek(1).raw} is not supported (Flink does not run it either). Supported: SUSPEND, RESUME [WITH (…)], REFRESH [PARTITION (…)], SET FRESHNESS = INTERVAL '<n>' <unit>, AS <query>.`,
      cursor.lexer.position(action.start),
    );
  } else if (cursor.acceptWord('AS')) {
    return { kind: 'alter-query', identifier, query: readQuery(cursor) };
  } else {
    throw cursor.error(action, "SUSPEND, RESUME, REFRESH, SET FRESHNESS = INTERVAL '<n>' <unit> or AS <query>");
  }
  cursor.expectEnd();
  return statement;
}

function parseDrop(cursor: Cursor, defaults: IdentifierDefaults): Statement {
  cursor.expectWords('DROP MATERIALIZED TABLE', 'DROP', 'MATERIALIZED', 'TABLE');
  const ifExists = cursor.isWord('IF');
  if (ifExists) cursor.expectWords('IF EXISTS', 'IF', 'EXISTS');
  const identifier: ObjectIdentifier = readIdentifier(cursor.lexer, defaults);
  cursor.expectEnd();
  return { kind: 'drop', identifier, ifExists };
}

/**
 * `DROP TABLE [IF EXISTS] t` is read so that a materialized table is never dropped as a plain one (its workflow
 * would go on refreshing an orphan). Anything past Flink's form (`CASCADE`, a DuckDB "quoted" name, several tables)
 * is DuckDB's statement, run as given.
 */
function parseDropTable(cursor: Cursor, sql: string, defaults: IdentifierDefaults): Statement {
  try {
    cursor.expectWords('DROP TABLE', 'DROP', 'TABLE');
    const ifExists = cursor.isWord('IF');
    if (ifExists) cursor.expectWords('IF EXISTS', 'IF', 'EXISTS');
    const identifier = readIdentifier(cursor.lexer, defaults);
    cursor.expectEnd();
    return { kind: 'drop-table', identifier, ifExists, sql };
  } catch {
    return { kind: 'sql', sql };
  }
}
